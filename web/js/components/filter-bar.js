// The filter bar above a task list: tag, priority, status and sort pickers, mirrored in the URL.
import { h, replace } from '../dom.js';
import * as store from '../store.js';
import * as router from '../router.js';
import { STATUSES, PRIORITIES, SORTS } from '../lists.js';

/** `filters` ({tag, priority, status, sort}) is changed in place; `onChange()` runs after each change. */
export function filterBar({ filters, viewKey, defaultSort, onChange }) {
  const searching = viewKey === 'search';
  const defaults = { tag: '', priority: '', status: searching ? 'any' : '', sort: defaultSort };
  const element = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Filters and sort' });

  function render() {
    const tags = [...store.state.tags.values()].sort((a, b) => a.name.localeCompare(b.name));
    const statuses = viewKey === 'completed'
      ? [['', 'Completed']]
      : [['', 'Open'], ...STATUSES.filter(([v]) => v !== 'open')];
    const active = ['tag', 'priority', 'status'].some((key) => filters[key] !== defaults[key]);
    replace(element,
      picker('Tag', 'tag', [['', 'All tags'], ...tags.map((t) => [t.name, `#${t.name}`])]),
      picker('Priority', 'priority', [['', 'Any priority'], ...PRIORITIES]),
      picker('Status', 'status', statuses),
      active && h('button', { type: 'button', class: 'btn btn-small btn-quiet', onclick: clear }, 'Clear filters'),
      picker('Sort', 'sort', searching ? [['relevance', 'Best match'], ...SORTS] : SORTS));
  }

  function picker(label, key, options) {
    const id = `filter-${key}`;
    const control = h('select', { id, class: 'filter-select' }, options.map(([value, text]) => h('option', { value }, text)));
    control.value = filters[key] ?? '';
    if (control.value !== (filters[key] ?? '') && key === 'tag') { // a tag not loaded (yet)
      control.append(h('option', { value: filters.tag }, `#${filters.tag}`));
      control.value = filters.tag;
    }
    control.classList.toggle('is-set', key !== 'sort' && filters[key] !== defaults[key]);
    control.addEventListener('change', () => {
      set(key, control.value);
      document.getElementById(id)?.focus();
    });
    return h('span', { class: `filter filter-${key}` }, h('label', { for: id, class: 'filter-label' }, label), control);
  }

  function set(key, value) {
    filters[key] = value;
    router.setParams({ [key]: value === defaults[key] ? '' : value });
    render();
    onChange();
  }

  function clear() {
    for (const key of ['tag', 'priority', 'status']) {
      filters[key] = defaults[key];
      router.setParams({ [key]: '' });
    }
    render();
    onChange();
    element.querySelector('select')?.focus();
  }

  render();
  return { element, render, set };
}
