// Repeat field: presets, or a custom rule builder that says the rule in words as you edit it.
import { h, replace, uid } from '../dom.js';
import { icon } from '../icons.js';
import { DAY_CODES, DAY_NAMES, PRESETS, buildRule, describeRule, ordinal, parseRule, presetOf } from '../rrule.js';

const CHOICES = [
  ['none', 'Does not repeat'], ['daily', 'Every day'], ['weekdays', 'Every weekday (Mon–Fri)'],
  ['weekly', 'Every week'], ['monthly', 'Every month'], ['yearly', 'Every year'], ['custom', 'Custom…'],
];
const FREQS = [['DAILY', 'day(s)'], ['WEEKLY', 'week(s)'], ['MONTHLY', 'month(s)'], ['YEARLY', 'year(s)']];

/** `recurrence` is the task's {rule, anchor, text} or null; `dueWeekday()` gives 0–6 (Mon–Sun) or null. */
export function recurrenceField(recurrence, { dueWeekday = () => null } = {}) {
  const rule = (recurrence && parseRule(recurrence.rule)) || { freq: 'WEEKLY', interval: 1, byday: [], bymonthday: [], count: null, until: null };
  const mode = select('Repeat', [
    ...(recurrence ? [['keep', `Keep: ${recurrence.text}`]] : []), ...CHOICES,
  ], recurrence ? 'keep' : 'none');
  mode.classList.add('recur-mode');
  const anchor = h('input', { type: 'checkbox', id: uid('anchor'), checked: recurrence?.anchor === 'completion' });
  const interval = h('input', { type: 'number', min: '1', max: '1000', value: String(rule.interval || 1), class: 'narrow', 'aria-label': 'Interval' });
  const freq = select('Unit', FREQS, rule.freq, true);
  const days = DAY_CODES.map((code, day) => h('input', {
    type: 'checkbox', id: uid(`day-${code}`), value: code,
    checked: rule.byday.some((d) => d.day === day && d.n == null),
  }));
  const monthlyBy = h('select', { 'aria-label': 'Monthly on' },
    h('option', { value: 'day' }, 'on day'), h('option', { value: 'weekday' }, 'on the'));
  const monthDay = h('select', { 'aria-label': 'Day of the month' },
    [...Array(31).keys()].map((i) => h('option', { value: String(i + 1) }, String(i + 1))), h('option', { value: '-1' }, 'last'));
  const nth = h('select', { 'aria-label': 'Which week' }, [1, 2, 3, 4, -1].map((n) => h('option', { value: String(n) }, ordinal(n))));
  const weekday = h('select', { 'aria-label': 'Weekday' }, DAY_NAMES.map((name, i) => h('option', { value: String(i) }, name)));
  const ends = h('select', { 'aria-label': 'Ends' },
    h('option', { value: 'never' }, 'never'), h('option', { value: 'count' }, 'after'), h('option', { value: 'until' }, 'on'));
  const count = h('input', { type: 'number', min: '1', max: '999', value: String(rule.count || 10), class: 'narrow', 'aria-label': 'Number of times' });
  const until = h('input', { type: 'date', 'aria-label': 'Last date' });
  prefill();

  const summary = h('p', { class: 'recur-summary', 'aria-live': 'polite' });
  const weekRow = h('div', { class: 'builder-row weekdays', role: 'group', 'aria-label': 'On these days' },
    days.map((box, i) => h('span', { class: 'day-toggle' }, box, h('label', { for: box.id, title: DAY_NAMES[i] }, DAY_NAMES[i].slice(0, 2)))));
  const monthRow = h('div', { class: 'builder-row' }, monthlyBy, monthDay, nth, weekday);
  const countLabel = h('span', { class: 'muted' }, 'times');
  const builder = h('div', { class: 'recur-builder', role: 'group', 'aria-label': 'Custom repeat rule' },
    h('div', { class: 'builder-row' }, h('span', {}, 'Every'), interval, freq),
    weekRow, monthRow,
    h('div', { class: 'builder-row' }, h('span', {}, 'Ends'), ends, count, countLabel, until));
  const error = h('p', { class: 'field-error', hidden: true });
  const element = h('div', { class: 'field recur-field', dataset: { field: 'recurrence' } },
    h('label', { for: mode.id }, 'Repeat'), mode, builder,
    h('div', { class: 'check-row' }, anchor, h('label', { for: anchor.id }, 'Repeat from the completion date')),
    summary, error);

  function prefill() {
    const single = rule.byday.length === 1 && rule.byday[0].n != null ? rule.byday[0] : null;
    monthlyBy.value = single ? 'weekday' : 'day';
    if (rule.bymonthday.length === 1) monthDay.value = String(rule.bymonthday[0]);
    if (single) {
      nth.value = String(single.n);
      weekday.value = String(single.day);
    }
    ends.value = rule.count ? 'count' : rule.until ? 'until' : 'never';
    if (rule.until) until.value = `${rule.until.slice(0, 4)}-${rule.until.slice(4, 6)}-${rule.until.slice(6, 8)}`;
  }

  function customRule() {
    const built = { freq: freq.value, interval: Math.max(1, Number(interval.value) || 1), byday: [], bymonthday: [] };
    if (built.freq === 'WEEKLY') {
      built.byday = days.filter((d) => d.checked).map((d) => ({ n: null, day: DAY_CODES.indexOf(d.value) }));
    } else if (built.freq === 'MONTHLY' && monthlyBy.value === 'weekday') {
      built.byday = [{ n: Number(nth.value), day: Number(weekday.value) }];
    } else if (built.freq === 'MONTHLY') {
      built.bymonthday = [Number(monthDay.value)];
    }
    if (ends.value === 'count') built.count = Math.max(1, Number(count.value) || 1);
    if (ends.value === 'until' && until.value) built.until = until.value.replaceAll('-', '');
    return buildRule(built);
  }

  function update() {
    const custom = mode.value === 'custom';
    builder.hidden = !custom;
    weekRow.hidden = freq.value !== 'WEEKLY';
    monthRow.hidden = freq.value !== 'MONTHLY';
    monthDay.hidden = monthlyBy.value !== 'day';
    nth.hidden = weekday.hidden = monthlyBy.value !== 'weekday';
    count.hidden = countLabel.hidden = ends.value !== 'count';
    until.hidden = ends.value !== 'until';
    anchor.disabled = mode.value === 'none';
    const text = current();
    summary.classList.toggle('is-none', !text);
    replace(summary, text ? [icon('repeat'), describeRule(text, anchor.checked ? 'completion' : 'due')] : 'Does not repeat');
  }

  /** The RRULE the field shows now, or null. */
  function current() {
    if (mode.value === 'none') return null;
    if (mode.value === 'keep') return recurrence.rule;
    if (mode.value === 'custom') return customRule();
    return PRESETS[mode.value];
  }

  mode.addEventListener('change', () => {
    if (mode.value === 'custom' && !days.some((d) => d.checked) && dueWeekday() != null) days[dueWeekday()].checked = true;
    update();
  });
  builder.addEventListener('input', update);
  builder.addEventListener('change', update);
  anchor.addEventListener('change', update);
  update();

  return {
    element,
    /** {changed, value}: value is null, {preset, anchor} or {rule, anchor}, as the API takes it. */
    value() {
      const anchorValue = anchor.checked ? 'completion' : 'due';
      if (mode.value === 'none') return { changed: Boolean(recurrence), value: null };
      if (mode.value === 'keep') {
        return { changed: anchorValue !== recurrence.anchor, value: { rule: recurrence.rule, anchor: anchorValue } };
      }
      const preset = mode.value === 'custom' ? null : mode.value;
      const value = preset ? { preset, anchor: anchorValue } : { rule: customRule(), anchor: anchorValue };
      const same = recurrence && current() === buildRule(parseRule(recurrence.rule)) && anchorValue === recurrence.anchor;
      return { changed: !same, value };
    },
    presetOf,
  };
}

function select(label, options, value, bare = false) {
  const el = h('select', { id: uid('sel'), 'aria-label': bare ? label : null },
    options.map(([v, text]) => h('option', { value: v }, text)));
  el.value = value;
  return el;
}
