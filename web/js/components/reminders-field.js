// Reminders field: 15 min / 1 h / 1 day / 1 week toggles, a custom offset or an exact time.
import { h, replace, uid } from '../dom.js';
import { icon } from '../icons.js';
import { wall } from '../dates.js';
import { reminderText } from './chips.js';

const PRESETS = [[15, '15 min'], [60, '1 hour'], [1440, '1 day'], [10080, '1 week']];
const UNITS = [[1, 'minutes'], [60, 'hours'], [1440, 'days'], [10080, 'weeks']];

/** `reminders` are the task's (API shape); values come back as the API takes them. */
export function remindersField(reminders, zone) {
  const items = reminders.map((r) => (r.minutes_before != null
    ? { minutes_before: r.minutes_before }
    : { at: `${wall(r.at, zone).date}T${wall(r.at, zone).time}:00` }));
  const original = JSON.stringify(items);
  const toggles = PRESETS.map(([minutes, text]) => h('button', {
    type: 'button', class: 'toggle', 'aria-pressed': 'false', dataset: { minutes: String(minutes) },
    onclick: () => togglePreset(minutes),
  }, text));
  const amount = h('input', { type: 'number', min: '0', max: '9999', value: '30', class: 'narrow', 'aria-label': 'Custom reminder amount' });
  const unit = h('select', { 'aria-label': 'Custom reminder unit' }, UNITS.map(([m, text]) => h('option', { value: String(m) }, text)));
  const at = h('input', { type: 'datetime-local', 'aria-label': 'Remind at' });
  const list = h('ul', { class: 'reminder-list', 'aria-label': 'Reminders on this task' });
  const error = h('p', { class: 'field-error', hidden: true });
  const legendId = uid('rem');
  const element = h('div', { class: 'field reminders-field', dataset: { field: 'reminders' }, role: 'group', 'aria-labelledby': legendId },
    h('span', { class: 'label', id: legendId }, 'Reminders'),
    h('div', { class: 'toggle-row' }, toggles),
    h('div', { class: 'builder-row' },
      amount, unit, h('span', { class: 'muted' }, 'before'),
      h('button', { type: 'button', class: 'btn btn-small', onclick: addOffset }, 'Add')),
    h('div', { class: 'builder-row' },
      h('span', { class: 'muted' }, 'or at'), at,
      h('button', { type: 'button', class: 'btn btn-small', onclick: addAt }, 'Add')),
    list, error);

  function togglePreset(minutes) {
    const index = items.findIndex((r) => r.minutes_before === minutes);
    if (index >= 0) items.splice(index, 1);
    else items.push({ minutes_before: minutes });
    render();
  }

  function addOffset() {
    const minutes = Math.round(Number(amount.value) * Number(unit.value));
    if (!Number.isFinite(minutes) || minutes < 0) return;
    if (!items.some((r) => r.minutes_before === minutes)) items.push({ minutes_before: minutes });
    render();
  }

  function addAt() {
    if (!at.value) {
      at.focus();
      return;
    }
    items.push({ at: `${at.value.slice(0, 16)}:00` });
    at.value = '';
    render();
  }

  function render() {
    for (const toggle of toggles) {
      toggle.setAttribute('aria-pressed', String(items.some((r) => r.minutes_before === Number(toggle.dataset.minutes))));
    }
    replace(list, items.map((item, index) => h('li', { dataset: { field: `reminders.${index}` } },
      icon('bell'),
      h('span', {}, item.at ? `at ${item.at.slice(0, 10)} ${item.at.slice(11, 16)}` : reminderText(item, zone)),
      h('button', {
        type: 'button', class: 'icon-btn', 'aria-label': `Remove reminder ${index + 1}`,
        onclick: () => { items.splice(index, 1); render(); },
      }, '×'),
      h('p', { class: 'field-error', hidden: true }))));
  }
  render();

  return {
    element,
    value: () => ({ changed: JSON.stringify(items) !== original, value: items.map((r) => ({ ...r })) }),
    describe: (key) => {
      const index = Number(key.split('.')[1]);
      return Number.isInteger(index) ? `Reminder ${index + 1}` : '';
    },
  };
}
