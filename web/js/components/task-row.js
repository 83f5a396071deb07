// One task in a list: round checkbox in its priority color, title, description line and meta chips.
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { dueChip, tagChip, PRIORITY_NAMES } from './chips.js';
import { label } from '../dates.js';

/**
 * handlers: {onToggle(task), onOpen(task), onTag(name), place?(task) → "Project / Section" or '',
 * onFold?(task), onAddSubtask?(task)}; tree (subtasks, issue 16): {depth, progress: {done, total},
 * collapsed, parent: the parent's title when shown under it}.
 */
export function taskRow(task, zone, handlers, tree = {}) {
  const { depth = 0, progress = null, collapsed = false, parent = '' } = tree;
  const done = task.status === 'completed';
  const titleId = `t-${task.id}`;
  const check = h('input', {
    type: 'checkbox', class: 'check', checked: done,
    'aria-label': done ? `Reopen “${task.title}”` : `Complete “${task.title}”`,
    onchange: (event) => {
      event.target.closest('.task').classList.toggle('is-done', event.target.checked);
      handlers.onToggle(task);
    },
  });
  const meta = h('div', { class: 'task-meta' },
    progress?.total > 0 && subtaskChip(task, progress, collapsed, handlers.onFold),
    task.due_date && dueChip(task.due_date, zone, { done, allDay: task.all_day }),
    task.recurrence && h('span', { class: 'meta-item recur', title: task.recurrence.text }, icon('repeat'),
      h('span', { class: 'meta-text' }, task.recurrence.text)),
    task.reminders?.length > 0 && h('span', { class: 'meta-item', title: 'Reminders' }, icon('bell'), String(task.reminders.length)),
    task.status === 'in_progress' && h('span', { class: 'meta-item in-progress' }, 'In progress'),
    done && task.completed_at && h('span', { class: 'meta-item' }, `Done ${label(task.completed_at, zone)}`),
    task.tags.map((tag) => tagChip(tag, { onclick: () => handlers.onTag(tag.name) })),
    handlers.place?.(task) && h('span', { class: 'meta-item meta-place' }, icon('folder'), h('span', { class: 'meta-text' }, handlers.place(task))),
    depth > 0 && parent && h('span', { class: 'visually-hidden' }, `Subtask of “${parent}”`));
  const description = task.description?.trim()
    ? h('p', { class: 'task-desc' }, task.description.trim().split('\n')[0]) : null;
  return h('li', {
    class: `task prio-${task.priority}${done ? ' is-done' : ''}${depth ? ' is-subtask' : ''}`, tabindex: '-1',
    dataset: { id: task.id, depth }, style: depth ? { '--depth': String(depth) } : null,
    'aria-labelledby': titleId, 'aria-describedby': `${titleId}-meta`,
  },
  check,
  h('div', { class: 'task-body' },
    h('button', { type: 'button', class: 'task-title', id: titleId, onclick: () => handlers.onOpen(task) }, task.title),
    description,
    h('div', { id: `${titleId}-meta`, class: 'task-meta-wrap' },
      meta,
      (task.priority === 'urgent' || task.priority === 'high')
        && h('span', { class: 'visually-hidden' }, `${PRIORITY_NAMES[task.priority]} priority`))),
  handlers.onAddSubtask && h('button', {
    type: 'button', class: 'icon-btn add-subtask', 'aria-label': `Add subtask to “${task.title}”`, title: 'Add subtask',
    onclick: () => handlers.onAddSubtask(task),
  }, icon('plus')),
  (task.priority === 'urgent' || task.priority === 'high')
    && h('span', { class: `prio-flag prio-${task.priority}`, title: `${PRIORITY_NAMES[task.priority]} priority`, 'aria-hidden': 'true' }, icon('flag')));
}

/** "2/5" subtasks done: a button folding them away when `onFold` is given, else a chip (a board card). */
function subtaskChip(task, { done, total }, collapsed, onFold) {
  const text = `${done} of ${total} subtasks done`;
  const content = [icon('subtasks'), h('span', { 'aria-hidden': 'true' }, `${done}/${total}`)];
  if (!onFold) return h('span', { class: 'meta-item subtask-progress', title: text }, content, h('span', { class: 'visually-hidden' }, text));
  return h('button', {
    type: 'button', class: 'meta-item subtask-progress subtask-fold', 'aria-expanded': String(!collapsed),
    'aria-label': `Subtasks: ${text}`, title: collapsed ? 'Show subtasks' : 'Hide subtasks', onclick: () => onFold(task),
  }, h('span', { class: 'fold-mark', 'aria-hidden': 'true' }, collapsed ? '▸' : '▾'), content);
}
