// What a list shows with nothing in it: the first-run welcome, per-view hints, loading rows.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import * as store from '../store.js';

const EXAMPLES = [
  'Pay rent every month on the 1st at 9am #home !high remind me 1 day before',
  'Call mom tomorrow at 6pm',
  'Gym every monday and thursday at 7am #health',
];

/** view: {icon, empty: [title, text]}; `filtered` when filters hide everything. */
export function emptyState({ view, viewKey, searching, filtered }) {
  if (searching) return message('search', 'No matching tasks', 'Try other words, or clear the filters.');
  if (!store.state.tasks.size && (viewKey === 'today' || viewKey === 'all')) return welcome();
  if (filtered) return message(view.icon, 'No tasks match these filters', 'Clear the filters to see everything in this view.');
  return message(view.icon, ...view.empty);
}

function message(iconName, title, text) {
  return h('div', { class: 'empty' }, icon(iconName, 'empty-icon'), h('h2', {}, title), h('p', {}, text));
}

function welcome() {
  const name = store.state.user?.name;
  const example = (text) => h('li', {}, h('button', {
    type: 'button', class: 'example',
    onclick: () => {
      const input = document.getElementById('quick-add');
      input.value = text;
      input.dispatchEvent(new Event('input'));
      input.focus();
    },
  }, text));
  return h('div', { class: 'empty welcome' }, icon('sparkle', 'empty-icon'),
    h('h2', {}, name ? `Welcome, ${name}! Add your first task` : 'Welcome! Add your first task'),
    h('p', {}, 'Type a line in the box above and press Enter. Dates, repeats, #tags, !priority and reminders are picked out for you. Try one:'),
    h('ul', { class: 'examples' }, EXAMPLES.map(example)),
    h('p', { class: 'small muted' }, 'Press ', h('kbd', {}, '?'), ' any time for keyboard shortcuts.'));
}

export function skeleton() {
  return h('ul', { class: 'task-list skeleton', 'aria-label': 'Loading tasks' },
    [0, 1, 2, 3].map(() => h('li', { class: 'task skeleton-row' }, h('span', { class: 'sk sk-check' }), h('span', { class: 'sk sk-line' }))));
}
