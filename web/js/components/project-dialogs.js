// Dialogs for projects and saved filters: add or edit (name, color, query), delete a project, move a task
// (to a project, a section and under a parent).
import { h, field } from '../dom.js';
import { api } from '../api.js';
import * as store from '../store.js';
import * as actions from '../actions.js';
import { announce, fail } from '../announce.js';
import { modal } from './dialog.js';
import { showErrors, clearErrors } from './field-errors.js';
import { byPosition, childrenIndex, nest } from '../lists.js';

/**
 * A dialog form of `fields` (elements, e.g. from `field`); `send()` resolves the saved row or
 * throws ApiError, whose field messages show beside the fields. Resolves the row, or null if cancelled.
 */
function formDialog({ title, fields, submit, send }) {
  return new Promise((resolve) => {
    const general = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'editor', novalidate: true }, fields, general);
    form.id = `form-${Math.random().toString(36).slice(2, 8)}`;
    const save = h('button', { type: 'submit', class: 'btn btn-primary', form: form.id }, submit);
    const { close } = modal({
      title, body: form, className: 'modal-small',
      footer: [h('span', { class: 'spacer' }), h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Cancel'), save],
      onClose: (row) => resolve(row || null),
    });
    form.querySelector('input, select')?.focus();
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      save.disabled = true;
      try {
        close(await send());
      } catch (error) {
        showErrors(form, error, general);
      } finally {
        save.disabled = false;
      }
    });
  });
}

function colorInput(value) {
  const input = h('input', { type: 'color', value: value || '#4073ff' });
  input.addEventListener('input', () => { input.dataset.changed = '1'; });
  return input;
}

/** Add a project (`project` null) or rename/recolor one; resolves the saved ProjectPublic or null. */
export function projectDialog(project = null) {
  const name = h('input', { type: 'text', value: project?.name || '', maxlength: '120', autocomplete: 'off' }); // the API's limit
  const color = colorInput(project?.color);
  return formDialog({
    title: project ? `Edit “${project.name}”` : 'New project',
    submit: project ? 'Save' : 'Add project',
    fields: [field('Name', name, { name: 'name' }), field('Color', color, { name: 'color' })],
    send: async () => {
      const body = { name: name.value.trim() };
      if (color.dataset.changed) body.color = color.value;
      if (project && body.name === project.name) delete body.name;
      const saved = project ? await api.updateProject(project.id, body) : await api.createProject(body);
      store.putRows('projects', [saved]);
      announce(project ? `Saved project “${saved.name}”` : `Added project “${saved.name}”`);
      return saved;
    },
  });
}

/** Add a saved filter (`filter` null, `query` prefilled) or edit one; resolves the FilterPublic or null. */
export function filterDialog(filter = null, query = '') {
  const name = h('input', { type: 'text', value: filter?.name || '', maxlength: '100', autocomplete: 'off' });
  const text = h('input', { type: 'text', value: filter?.query || query, maxlength: '1000', autocomplete: 'off', spellcheck: 'false' });
  const color = colorInput(filter?.color);
  return formDialog({
    title: filter ? `Edit filter “${filter.name}”` : 'New filter',
    submit: filter ? 'Save' : 'Save filter',
    fields: [field('Name', name, { name: 'name' }),
      field('Query', text, { name: 'query', hint: 'e.g. today & p1 | #work' }), field('Color', color, { name: 'color' })],
    send: async () => {
      const body = { name: name.value.trim(), query: text.value.trim() };
      if (color.dataset.changed) body.color = color.value;
      const saved = filter ? await api.updateFilter(filter.id, body) : await api.createFilter(body);
      store.putRows('filters', [saved]);
      announce(filter ? `Saved filter “${saved.name}”` : `Saved filter “${saved.name}”`);
      return saved;
    },
  });
}

/** Ask what becomes of a project's tasks, then delete it; resolves true once deleted. */
export function deleteProjectDialog(project) {
  const others = store.projects().filter((p) => p.id !== project.id);
  const open = [...store.state.tasks.values()].filter((t) => t.project_id === project.id).length;
  const choice = (value, text, checked) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'fate', value, checked }), text);
  const target = h('select', {}, others.map((p) => h('option', { value: p.id }, p.name)));
  const fate = h('fieldset', { class: 'field choices', dataset: { field: 'move_to' } },
    h('legend', { class: 'label' }, `What happens to its ${open} ${open === 1 ? 'task' : 'tasks'}?`),
    choice('delete', 'Delete them', true),
    choice('move', 'Move them to another project', false),
    h('label', { class: 'choice-sub' }, h('span', { class: 'visually-hidden' }, 'Project to move them to'), target),
    h('p', { class: 'field-error', hidden: true }));
  const move = () => fate.querySelector('input:checked').value === 'move';
  return formDialog({
    title: `Delete project “${project.name}”?`,
    submit: 'Delete project',
    fields: [fate],
    send: async () => {
      await api.deleteProject(project.id, move() ? target.value : null);
      store.removeRow('projects', project.id);
      for (const task of [...store.state.tasks.values()]) {
        if (task.project_id !== project.id) continue;
        if (move()) store.putTasks([{ ...task, project_id: target.value, section_id: null }]);
        else store.removeTask(task.id);
      }
      announce(`Deleted project “${project.name}”`);
      return true;
    },
  }).then(Boolean);
}

/** Project and section pickers (the section list follows the project); `value()` → {project_id, section_id}. */
export function placePicker({ projectId, sectionId }) {
  const project = h('select', {});
  const section = h('select', {});
  const choices = store.projects();
  const current = store.state.projects.get(projectId);
  if (current?.archived) choices.push(current);
  project.append(...choices.map((p) => h('option', { value: p.id }, p.name)));
  project.value = projectId || store.inbox()?.id || '';
  const fillSections = (chosen) => {
    section.replaceChildren(h('option', { value: '' }, 'No section'),
      ...store.sectionsOf(project.value).map((s) => h('option', { value: s.id }, s.name)));
    section.value = chosen || '';
  };
  fillSections(sectionId);
  project.addEventListener('change', () => fillSections(''));
  return { project, section, value: () => ({ project_id: project.value || null, section_id: section.value || null }) };
}

/** The keyboard way to move a task: pick a project, a section and a parent task, then PATCH or POST /move. */
export function moveDialog(task) {
  const place = placePicker({ projectId: task.project_id, sectionId: task.section_id });
  const parent = parentPicker(task, place);
  return formDialog({
    title: `Move “${task.title}” to…`,
    submit: 'Move',
    fields: [field('Project', place.project, { name: 'project_id' }), field('Section', place.section, { name: 'section_id' }),
      field('Parent task', parent, { name: 'parent_id' })],
    send: async () => {
      const changes = place.value();
      const parentId = parent.value || null;
      if (parentId !== (task.parent_id || null)) return moveUnder(task, parentId, changes);
      if (changes.project_id === task.project_id && changes.section_id === task.section_id) return task;
      const moved = await actions.save(task.id, changes);
      announce(`Moved “${task.title}” to ${placeName(moved)}`);
      return moved;
    },
  });
}

// subtasks (issue 16)
/** A select of the open tasks `task` may go under in the place picked (not itself nor its subtasks), nested by position. */
function parentPicker(task, place) {
  const select = h('select', {});
  const fill = () => {
    const { project_id: projectId, section_id: sectionId } = place.value();
    const candidates = [...store.state.tasks.values()].filter((t) => t.project_id === projectId && t.status !== 'completed'
      && (t.section_id || null) === sectionId && !store.isWithin(t.id, task.id));
    const listed = new Set(candidates.map((t) => t.id));
    const roots = candidates.filter((t) => !listed.has(t.parent_id)).sort(byPosition);
    const chosen = select.value || task.parent_id || '';
    select.replaceChildren(h('option', { value: '' }, 'None (top level)'), ...nest(roots, childrenIndex(candidates))
      .map(({ task: t, depth }) => h('option', { value: t.id }, `${'\u00a0\u00a0'.repeat(depth)}${depth ? '↳ ' : ''}${t.title}`)));
    select.value = listed.has(chosen) ? chosen : '';
  };
  fill();
  place.project.addEventListener('change', fill);
  place.section.addEventListener('change', fill);
  return select;
}

/** POST /move: under `parentId`, or to the top level of the place picked; raises ApiError. */
async function moveUnder(task, parentId, place) {
  const moved = await api.moveTask(task.id, parentId ? { parent_id: parentId } : { ...place, parent_id: null });
  store.putTasks([moved]);
  const parent = parentId && store.state.tasks.get(parentId);
  announce(parent ? `“${task.title}” is now a subtask of “${parent.title}”` : `Moved “${task.title}” to ${placeName(moved)}`);
  return moved;
}

/** "Work / Backlog" for a task's project and section. */
export function placeName(task) {
  const project = store.state.projects.get(task.project_id)?.name || 'Inbox';
  const section = task.section_id && store.state.sections.get(task.section_id)?.name;
  return section ? `${project} / ${section}` : project;
}

/** Put a task in `project` (in no section) at once; the API confirms or it goes back. */
export function moveToProject(task, project) {
  return moveNow(task, { project_id: project.id, section_id: null });
}

async function moveNow(task, changes) {
  store.putTasks([{ ...task, ...changes }]);
  try {
    const moved = await actions.save(task.id, changes);
    announce(`Moved “${task.title}” to ${placeName(moved)}`);
  } catch (error) {
    store.putTasks([task]);
    fail(error, `Could not move “${task.title}”`);
  }
}
