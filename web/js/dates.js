// Dates in the user's time zone: wall-clock parts, relative labels ("Today 09:00" or "Today 9:00 AM"), API values.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const formatters = new Map();

function formatter(zone) {
  if (!formatters.has(zone)) {
    formatters.set(zone, new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }));
  }
  return formatters.get(zone);
}

/** {date: 'YYYY-MM-DD', time: 'HH:MM'} of an instant (ISO text or Date) on the zone's wall clock. */
export function wall(moment, zone) {
  const parts = {};
  for (const { type, value } of formatter(zone).formatToParts(new Date(moment))) parts[type] = value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

let todayCache = { zone: null, until: 0, date: '' };
/** Today's date in `zone` (asked for per task while rendering, so remembered for a second). */
export function today(zone) {
  const now = Date.now();
  if (todayCache.zone !== zone || now > todayCache.until) {
    todayCache = { zone, until: now + 1000, date: wall(new Date(now), zone).date };
  }
  return todayCache.date;
}

/** Calendar arithmetic on 'YYYY-MM-DD' strings. */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

/** 'Mon 3 Mar' (with the year when it is not this year's). */
export function dayName(date, zone) {
  const d = new Date(`${date}T00:00:00Z`);
  const label = `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return date.slice(0, 4) === today(zone).slice(0, 4) ? label : `${label} ${date.slice(0, 4)}`;
}

/** 'Today', 'Tomorrow', 'Yesterday' or 'Mon 3 Mar'. */
export function relativeDay(date, zone) {
  const diff = daysBetween(today(zone), date);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Tomorrow';
  if (diff === -1) return 'Yesterday';
  return dayName(date, zone);
}

const clocks = new Map();
/** The time of day on the zone's wall clock, 12- or 24-hour as the browser's locale writes it. */
export function clockTime(moment, zone) {
  if (!clocks.has(zone)) {
    // 'numeric' hours are "9:00 AM" in en-US but "9:00" in en-GB, which writes "09:00": two digits on a 24-hour clock.
    const { hourCycle } = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions();
    const hour = hourCycle === 'h23' || hourCycle === 'h24' ? '2-digit' : 'numeric';
    clocks.set(zone, new Intl.DateTimeFormat(undefined, { timeZone: zone, hour, minute: '2-digit' }));
  }
  return clocks.get(zone).format(new Date(moment));
}

/** 'Today 09:00', 'Tomorrow 6:30 PM', 'Mon 3 Mar 07:00': the time as the browser's locale writes it; an all-day date has no time. */
export function label(moment, zone, allDay = false) {
  const day = relativeDay(wall(moment, zone).date, zone);
  return allDay ? day : `${day} ${clockTime(moment, zone)}`;
}

/** Whether an open task due at `moment` is late: an all-day one only once its day is over in `zone`. */
export function isLate(moment, zone, allDay = false) {
  return allDay ? wall(moment, zone).date < today(zone) : Date.parse(moment) < Date.now();
}

/** How urgent a due date looks: overdue, today, tomorrow, week or later. */
export function tone(moment, zone, done = false, allDay = false) {
  if (!done && isLate(moment, zone, allDay)) return 'overdue';
  const diff = daysBetween(today(zone), wall(moment, zone).date);
  if (diff <= 0) return 'today';
  if (diff === 1) return 'tomorrow';
  return diff < 7 ? 'week' : 'later';
}

/** The naive 'YYYY-MM-DDTHH:MM:00' the API reads in the owner's zone, or the bare date of an all-day task. */
export function naive(date, time) {
  return time ? `${date}T${time}:00` : date;
}

/** '15 min', '1 h', '2 days', '1 week' before. */
export function offsetLabel(minutes) {
  if (minutes === 0) return 'at due time';
  const units = [[10080, 'week'], [1440, 'day'], [60, 'h'], [1, 'min']];
  for (const [size, unit] of units) {
    if (minutes % size === 0) {
      const n = minutes / size;
      const plural = n > 1 && (unit === 'week' || unit === 'day') ? 's' : '';
      return `${n} ${unit}${plural} before`;
    }
  }
  return `${minutes} min before`;
}

/** Every IANA zone the browser knows, with UTC and the given ones guaranteed present. */
export function zones(...extra) {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...known, 'UTC', ...extra.filter(Boolean)])].sort();
}

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
