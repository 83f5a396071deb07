// The API's field errors as short sentences: "title" + "String should have at most 500 characters" → "Title can be at most 500 characters."

const NAMES = { due_date: 'Due date', minutes_before: 'Reminder time', at: 'Reminder time', text: 'Task', q: 'Search', url: 'URL' };
const RULES = [
  [/at least 1 (character|item)/, (name) => `${name} cannot be empty.`],
  [/at least (\d+) characters?/, (name, [, n]) => `${name} needs at least ${n} characters.`],
  [/at most (\d+) characters?/, (name, [, n]) => `${name} can be at most ${n} characters.`],
  [/^at most (\d+)/, (name, [, n]) => `${name}: at most ${n}.`],
  [/^too many\b/, (name) => `Too many ${name.toLowerCase()}.`],
  [/^empty$/, (name) => `${name} cannot be empty.`],
  [/^Field required/, (name) => `${name} is required.`],
  [/^Extra inputs are not permitted/, (name) => `${name} is not something TaskAI knows.`],
  [/^Input should be a valid (date|datetime|time)/, (name) => `${name} is not a valid date and time.`],
  [/^Input should be a valid (integer|number)/, (name) => `${name} must be a whole number.`],
  [/^Input should be (greater|less) than or equal to (\S+)/, (name, [, way, n]) => `${name} must be ${way === 'greater' ? 'at least' : 'at most'} ${n}.`],
  [/^Input should be (.+)$/, (name, [, what]) => `${name} should be ${what.replace(/'/g, '')}.`],
];

const PREDICATE = /^(must|may|should|cannot|can|is|are|already|not|no|has|needs)\b/i;

/** "reminders.0.at" → "Reminder time"; "due_date" → "Due date". */
export function fieldName(key) {
  const parts = key.split('.');
  const last = parts.filter((part) => !/^\d+$/.test(part)).pop() || key;
  const name = NAMES[last] || (last.charAt(0).toUpperCase() + last.slice(1)).replaceAll('_', ' ');
  return /^\d+$/.test(parts.at(-1)) ? name.replace(/s$/, '') : name; // "tags.0" is one tag
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
  // The domain's messages are predicates ("already exists", "must be 1 to 50 characters"): name their subject.
  const predicate = PREDICATE.test(text) ? `${fieldName(key)} ${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
  const sentence = predicate.charAt(0).toUpperCase() + predicate.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
