// RFC 5545 rules on the client: read and write RRULE text, and say a rule in words while editing.
// The words follow the API's recurrence.text, which stays the reference for saved rules.

export const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
const UNITS = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };
export const PRESETS = {
  daily: 'FREQ=DAILY',
  weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  weekly: 'FREQ=WEEKLY',
  monthly: 'FREQ=MONTHLY',
  yearly: 'FREQ=YEARLY',
};

/** 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE' → {freq, interval, byday: [{n, day}], …}; null if unreadable. */
export function parseRule(text) {
  const rule = { freq: null, interval: 1, byday: [], bymonthday: [], bymonth: [], bysetpos: [], count: null, until: null };
  for (const chunk of String(text || '').toUpperCase().replace(/^RRULE:/, '').split(';')) {
    const [name, value] = chunk.split('=').map((s) => s && s.trim());
    if (!name) continue;
    if (name === 'FREQ') rule.freq = value;
    else if (name === 'INTERVAL') rule.interval = Number(value);
    else if (name === 'BYDAY') rule.byday = value.split(',').map(readDay).filter(Boolean);
    else if (name === 'BYMONTHDAY') rule.bymonthday = value.split(',').map(Number);
    else if (name === 'BYMONTH') rule.bymonth = value.split(',').map(Number);
    else if (name === 'BYSETPOS') rule.bysetpos = value.split(',').map(Number);
    else if (name === 'COUNT') rule.count = Number(value);
    else if (name === 'UNTIL') rule.until = value;
  }
  if (!UNITS[rule.freq]) return null;
  rule.byday.sort((a, b) => a.day - b.day || (a.n ?? 0) - (b.n ?? 0));
  return rule;
}

function readDay(item) {
  const match = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item.trim());
  const day = match ? DAY_CODES.indexOf(match[2]) : -1;
  return day < 0 ? null : { n: match[1] ? Number(match[1]) : null, day };
}

/** The RRULE text of a rule object (parts in a stable order). */
export function buildRule(rule) {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval > 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.bymonth?.length) parts.push(`BYMONTH=${rule.bymonth.join(',')}`);
  if (rule.bymonthday?.length) parts.push(`BYMONTHDAY=${rule.bymonthday.join(',')}`);
  if (rule.byday?.length) parts.push(`BYDAY=${rule.byday.map(({ n, day }) => `${n ?? ''}${DAY_CODES[day]}`).join(',')}`);
  if (rule.bysetpos?.length) parts.push(`BYSETPOS=${rule.bysetpos.join(',')}`);
  if (rule.count) parts.push(`COUNT=${rule.count}`);
  else if (rule.until) parts.push(`UNTIL=${rule.until}`);
  return parts.join(';');
}

/** "every 2 weeks on Monday and Wednesday", "every month on the last day, 3 times" … */
export function describeRule(text, anchor = 'due') {
  const rule = typeof text === 'string' ? parseRule(text) : text;
  if (!rule) return '';
  let words;
  if (isWorkdays(rule)) {
    words = ['every weekday'];
  } else {
    const unit = UNITS[rule.freq];
    words = [rule.interval > 1 ? `every ${rule.interval} ${unit}s` : `every ${unit}`, ...filterWords(rule)];
  }
  if (anchor === 'completion') words.push('after completion');
  let result = words.join(' ');
  if (rule.bysetpos.length) {
    result += `, only the ${join(rule.bysetpos.map(ordinal))} of each ${UNITS[rule.freq]}`;
  }
  return result + ending(rule);
}

function isWorkdays(rule) {
  const plain = !rule.bymonth.length && !rule.bymonthday.length && !rule.bysetpos.length && rule.interval === 1;
  const days = rule.byday.map(({ n, day }) => (n == null ? day : -1)).join(',');
  return plain && (rule.freq === 'DAILY' || rule.freq === 'WEEKLY') && days === '0,1,2,3,4';
}

function filterWords(rule) {
  const { bymonth: months, bymonthday: days, byday } = rule;
  if (rule.freq === 'YEARLY' && months.length === 1 && days.length === 1 && days[0] > 0 && !byday.length) {
    return [`on ${MONTH_NAMES[months[0] - 1]} ${days[0]}`];
  }
  const words = [];
  if (months.length) words.push(`in ${join(months.map((m) => MONTH_NAMES[m - 1]))}`);
  if (days.length) words.push(`on ${join(days.map((d) => `the ${ordinal(d)}${d < 0 ? ' day' : ''}`))}`);
  if (byday.length && days.length) words.push(`when it is ${join(bydayWords(byday, 'a '), 'or')}`);
  else if (byday.length) words.push(`on ${join(bydayWords(byday, ''))}`);
  return words;
}

function bydayWords(byday, article) {
  const plain = byday.every(({ n }) => n == null);
  const days = byday.map(({ day }) => day).join(',');
  if (plain && days === '0,1,2,3,4') return ['weekdays'];
  if (plain && days === '5,6') return ['weekends'];
  return byday.map(({ n, day }) => (n == null ? `${article}${DAY_NAMES[day]}` : `the ${ordinal(n)} ${DAY_NAMES[day]}`));
}

export function ordinal(number) {
  if (number < 0) return number === -1 ? 'last' : `${ordinal(-number)} to last`;
  const suffix = { 1: 'st', 2: 'nd', 3: 'rd' }[number % 10] || 'th';
  return `${number}${number % 100 >= 10 && number % 100 <= 20 ? 'th' : suffix}`;
}

function join(items, conjunction = 'and') {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

function ending(rule) {
  if (rule.count) return rule.count === 1 ? ', once' : `, ${rule.count} times`;
  if (!rule.until) return '';
  const u = rule.until;
  const date = `${u.slice(0, 4)}-${u.slice(4, 6)}-${u.slice(6, 8)}`;
  return u.length === 8 ? ` until ${date}` : ` until ${date} ${u.slice(9, 11)}:${u.slice(11, 13)} UTC`;
}

/** The preset name whose rule equals `text`, if any. */
export function presetOf(text) {
  const rule = parseRule(text);
  if (!rule) return null;
  const canonical = buildRule(rule);
  return Object.keys(PRESETS).find((name) => PRESETS[name] === canonical) || null;
}
