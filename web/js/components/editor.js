// Task editor dialog: every field of a task, saved as a partial update; API errors beside fields.
import { h, field, uid } from '../dom.js';
import * as store from '../store.js';
import * as actions from '../actions.js';
import { announce, toast } from '../announce.js';
import { naive, today, wall, label } from '../dates.js';
import { modal, confirmDialog } from './dialog.js';
import { showErrors, clearErrors } from './field-errors.js';
import { recurrenceField } from './recurrence-field.js';
import { remindersField } from './reminders-field.js';
import { tagInput } from './tag-input.js';
import { PRIORITY_NAMES } from './chips.js';
import { placePicker, moveDialog } from './project-dialogs.js';
import { byPosition } from '../lists.js';

const STATUSES = [['pending', 'To do'], ['in_progress', 'In progress'], ['completed', 'Completed']];

/** Open the editor for `task`, or for a new task when it is null (in `place`: {project_id, section_id}). */
export function openEditor(task, place = {}) {
  const zone = store.state.user?.timezone || 'UTC';
  const due = task?.due_date ? wall(task.due_date, zone) : null;
  const title = h('input', { type: 'text', value: task?.title || '', maxlength: '500', autocomplete: 'off' });
  const description = h('textarea', { rows: '3', placeholder: 'Notes, links, details…' });
  description.value = task?.description || '';
  const dueDate = h('input', { type: 'date', value: due?.date || '' });
  const dueTime = h('input', { type: 'time', value: (!task?.all_day && due?.time) || '' }); // empty: all day
  const status = h('select', {}, STATUSES.map(([v, text]) => h('option', { value: v }, text)));
  status.value = task?.status || 'pending';
  const priority = priorityGroup(task?.priority || 'medium');
  const weekday = () => (dueDate.value ? (new Date(`${dueDate.value}T00:00:00Z`).getUTCDay() + 6) % 7 : null);
  const recurrence = recurrenceField(task?.recurrence || null, { dueWeekday: weekday });
  const reminders = remindersField(task?.reminders || [], zone);
  const tags = tagInput((task?.tags || []).map((t) => t.name));
  // project and section (issue 16)
  const where = placePicker({ projectId: task?.project_id || place.project_id, sectionId: task?.section_id || place.section_id });
  const general = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const clearDue = h('button', {
    type: 'button', class: 'btn btn-small btn-quiet', onclick: () => { dueDate.value = ''; dueTime.value = ''; dueDate.focus(); },
  }, 'Clear');
  const dueId = uid('due');
  const dueField = h('div', { class: 'field', dataset: { field: 'due_date' }, role: 'group', 'aria-labelledby': dueId },
    h('span', { class: 'label', id: dueId }, `Due (${zone})`),
    h('div', { class: 'due-row' },
      h('label', { class: 'visually-hidden', for: (dueDate.id = uid('date')) }, 'Due date'), dueDate,
      h('label', { class: 'visually-hidden', for: (dueTime.id = uid('time')) }, 'Due time'), dueTime, clearDue),
    h('p', { class: 'field-error', hidden: true }));

  const form = h('form', { class: 'editor', novalidate: true },
    field('Title', title, { name: 'title' }),
    field('Description', description, { name: 'description' }),
    task && subtaskTree(task, (other) => { close(); openEditor(other); }),
    dueField,
    h('div', { class: 'editor-grid' }, priority.element, field('Status', status, { name: 'status' })),
    h('div', { class: 'editor-grid' },
      field('Project', where.project, { name: 'project_id' }), field('Section', where.section, { name: 'section_id' })),
    recurrence.element,
    reminders.element,
    tags.element,
    task?.series_id && h('p', { class: 'muted small' },
      `Occurrence ${task.occurrence || 1} of a series · created ${label(task.created_at, zone)}`),
    general);

  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, task ? 'Save' : 'Add task');
  const footer = [
    task && h('button', { type: 'button', class: 'btn btn-danger-quiet', onclick: onDelete }, 'Delete'),
    task?.recurrence && task.status !== 'completed' && h('button', { type: 'button', class: 'btn btn-quiet', onclick: onSkip }, 'Skip this one'),
    task && h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => { close(); moveDialog(task); } }, 'Move to…'),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Cancel'),
    save,
  ];
  save.setAttribute('form', (form.id = uid('editor')));
  const { close } = modal({ title: task ? 'Edit task' : 'New task', body: form, footer, className: 'modal-editor' });
  title.focus();

  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const changes = collect();
    if (!Object.keys(changes).length) {
      close();
      return;
    }
    save.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const saved = task ? await actions.save(task.id, changes) : await actions.create(changes);
      close();
      announce(task ? `Saved “${saved.title}”` : `Added “${saved.title}”`);
    } catch (error) {
      showErrors(form, error, general, (key) => (key.startsWith('reminders.') ? reminders.describe(key) : ''));
    } finally {
      save.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  function collect() {
    const changes = {};
    const put = (key, value, before) => {
      if (!task || JSON.stringify(value) !== JSON.stringify(before)) changes[key] = value;
    };
    put('title', title.value.trim(), task?.title);
    put('description', description.value, task?.description ?? '');
    put('priority', priority.value(), task?.priority);
    put('status', status.value, task?.status);
    const dueValue = dueDate.value || dueTime.value ? naive(dueDate.value || today(zone), dueTime.value) : null;
    const dueBefore = due ? naive(due.date, task.all_day ? '' : due.time) : null;
    if (dueValue !== dueBefore) changes.due_date = dueValue;
    const repeat = recurrence.value();
    if (repeat.changed && (task || repeat.value)) changes.recurrence = repeat.value;
    const remind = reminders.value();
    if (remind.changed) changes.reminders = remind.value;
    put('tags', tags.value(), (task?.tags || []).map((t) => t.name));
    const spot = where.value();
    if (spot.project_id) put('project_id', spot.project_id, task?.project_id);
    put('section_id', spot.section_id, task?.section_id ?? null);
    if (!task) {
      for (const key of ['status', 'description']) if (!changes[key]) delete changes[key];
    }
    return changes;
  }

  async function onDelete() {
    if (!(await confirmDialog(`Delete “${task.title}”?`, { detail: 'Undo stays offered for a few seconds.' }))) return;
    close();
    actions.remove(task.id);
  }

  async function onSkip() {
    try {
      await actions.skip(task.id);
      close();
    } catch (error) {
      toast(error.message, { tone: 'error' });
    }
  }
}

function priorityGroup(value) {
  const name = uid('prio');
  const legendId = uid('prio-l');
  const radios = ['urgent', 'high', 'medium', 'low'].map((level) => {
    const input = h('input', { type: 'radio', name, value: level, id: uid(`p-${level}`), checked: level === value });
    return h('span', { class: `prio-option prio-${level}` }, input, h('label', { for: input.id }, PRIORITY_NAMES[level]));
  });
  const element = h('div', { class: 'field', dataset: { field: 'priority' }, role: 'radiogroup', 'aria-labelledby': legendId },
    h('span', { class: 'label', id: legendId }, 'Priority'),
    h('div', { class: 'prio-options' }, radios),
    h('p', { class: 'field-error', hidden: true }));
  return { element, value: () => element.querySelector('input:checked')?.value || 'medium' };
}

// subtasks (issue 16)
/** The task's parent and its subtasks, each a button opening that task (`open(task)`); null if neither. */
function subtaskTree(task, open) {
  const parent = task.parent_id && store.state.tasks.get(task.parent_id);
  const below = [...store.state.tasks.values()].filter((t) => t.parent_id === task.id).sort(byPosition);
  if (!parent && !below.length) return null;
  const headId = uid('subs');
  const done = below.filter((t) => t.status === 'completed').length;
  const link = (t) => h('button', { type: 'button', class: 'link-btn', onclick: () => open(t) }, t.title);
  return h('div', { class: 'editor-tree' },
    parent && h('p', { class: 'small' }, 'Subtask of ', link(parent)),
    below.length > 0 && [
      h('span', { class: 'label', id: headId }, `Subtasks · ${done} of ${below.length} done`),
      h('ul', { class: 'editor-subtasks', 'aria-labelledby': headId }, below.map((t) => h('li', { class: t.status === 'completed' ? 'is-done' : '' },
        link(t), t.status === 'completed' && h('span', { class: 'visually-hidden' }, '(done)')))),
    ]);
}
