// Small labels: tag chips in their colors, due dates by urgency, priority flags, recurrence, reminders.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { label, tone, offsetLabel } from '../dates.js';

// The API's palette: a tag created without a color gets PALETTE[sum of UTF-8 bytes % 8].
const PALETTE = ['#db4035', '#ff9933', '#fad000', '#7ecc49', '#299438', '#14aaf5', '#4073ff', '#884dff'];
export const PRIORITY_NAMES = { urgent: 'Urgent', high: 'High', medium: 'Medium', low: 'Low' };

export function defaultTagColor(name) {
  const sum = new TextEncoder().encode(name.toLowerCase()).reduce((a, b) => a + b, 0);
  return PALETTE[sum % PALETTE.length];
}

/** #name in the tag's color; a button when `onclick` is given. */
export function tagChip(tag, { onclick, title } = {}) {
  const color = tag.color || defaultTagColor(tag.name);
  const props = { class: 'chip tag-chip', style: { '--tag': color }, title };
  if (onclick) Object.assign(props, { type: 'button', onclick, 'aria-label': title || `Filter by tag ${tag.name}` });
  return h(onclick ? 'button' : 'span', props, h('span', { class: 'tag-hash', 'aria-hidden': 'true' }, '#'), tag.name);
}

export function dueChip(moment, zone, { done = false, allDay = false } = {}) {
  return h('span', { class: `chip due-chip tone-${tone(moment, zone, done, allDay)}` }, icon('calendar'), label(moment, zone, allDay));
}

export function priorityChip(priority) {
  return h('span', { class: `chip prio-chip prio-${priority}` }, icon('flag'), PRIORITY_NAMES[priority] || priority);
}

export function recurrenceChip(text) {
  return h('span', { class: 'chip recur-chip' }, icon('repeat'), text);
}

export function reminderText(reminder, zone) {
  if (reminder.minutes_before != null) return offsetLabel(reminder.minutes_before);
  return reminder.at ? `at ${label(reminder.at, zone)}` : 'reminder';
}

export function reminderChip(reminder, zone) {
  return h('span', { class: 'chip reminder-chip' }, icon('bell'), reminderText(reminder, zone));
}

/** Where a task goes: a project, or "Project / Section". */
export function placeChip(text) {
  return h('span', { class: 'chip place-chip' }, icon('folder'), text);
}
