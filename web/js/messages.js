// The API's field errors as short sentences: "title" + "String should have at most 500 characters" → "Title can be at most 500 characters."

const NAMES = { due_date: 'Due date', minutes_before: 'Reminder time', at: 'Reminder time', text: 'Task', q: 'Search' };
const RULES = [
  [/at least 1 (character|item)/, (name) => `${name} cannot be empty.`],
  [/at least (\d+) characters?/, (name, [, n]) => `${name} needs at least ${n} characters.`],
  [/at most (\d+) characters?/, (name, [, n]) => `${name} can be at most ${n} characters.`],
  [/at most (\d+) items?/, (name, [, n]) => `${name}: at most ${n}.`],
  [/^Field required/, (name) => `${name} is required.`],
  [/^Extra inputs are not permitted/, (name) => `${name} is not something TaskAI knows.`],
  [/^Input should be a valid (date|datetime|time)/, (name) => `${name} is not a valid date and time.`],
  [/^Input should be a valid (integer|number)/, (name) => `${name} must be a whole number.`],
  [/^Input should be (greater|less) than or equal to (\S+)/, (name, [, way, n]) => `${name} must be ${way === 'greater' ? 'at least' : 'at most'} ${n}.`],
  [/^Input should be (.+)$/, (name, [, what]) => `${name} should be ${what.replace(/'/g, '')}.`],
];

/** "reminders.0.at" → "Reminder time"; "due_date" → "Due date". */
export function fieldName(key) {
  const last = key.split('.').filter((part) => !/^\d+$/.test(part)).pop() || key;
  return NAMES[last] || (last.charAt(0).toUpperCase() + last.slice(1)).replaceAll('_', ' ');
}

/** The first field error of an ApiError in words, else its message. */
export function firstReadable(error) {
  const [entry] = Object.entries(error.fields || {});
  return entry ? readable(...entry) : error.message;
}

/** One readable sentence for the API's message about `key` (the validator's text, reworded). */
export function readable(key, message) {
  const text = String(message).replace(/^(Value|Assertion) error, /, '');
  for (const [pattern, say] of RULES) {
    const match = text.match(pattern);
    if (match) return say(fieldName(key), match);
  }
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
