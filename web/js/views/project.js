// A project page: its open tasks grouped by section, as a list (subtasks under their parents, in manual
// order) or as a board of columns, kept live; tasks are reordered, moved between sections and under a
// parent by drag and drop, Alt+arrows or the "Move to…" dialog; sections are edited in place.
import { h, replace, uid } from '../dom.js';
import { icon } from '../icons.js';
import { api } from '../api.js';
import * as store from '../store.js';
import * as router from '../router.js';
import * as actions from '../actions.js';
import { announce, fail } from '../announce.js';
import { taskRow } from '../components/task-row.js';
import { openEditor } from '../components/editor.js';
import { confirmDialog } from '../components/dialog.js';
import { inlineForm } from '../components/inline-form.js';
import { skeleton } from '../components/empty-states.js';
import { projectDialog, deleteProjectDialog, moveDialog } from '../components/project-dialogs.js';
import { byPosition, childrenIndex, nest, progress } from '../lists.js';
import { dropNext, toSectionEnd, reorder, spotOf, markDrop } from '../order.js';

const LINGER_MS = 450; // a just-completed task stays in place this long, then leaves
const NO_SECTION = 'none'; // the key of the group of tasks in no section
const isOpen = (task) => task.status !== 'completed';

/** Render the page of project `projectId` into `host`; returns {heading, destroy, toggle, edit, move, reorder}. */
export function projectPage(host, projectId) {
  const project = () => store.state.projects.get(projectId);
  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' });
  const subtitle = h('p', { class: 'page-subtitle' });
  const tools = h('div', { class: 'page-actions' });
  const notice = h('p', { class: 'notice', hidden: true });
  const body = h('div', { class: 'project-body' });
  replace(host, h('section', { class: 'page page-project', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading, subtitle, tools), notice, body));
  const lingering = new Map(); // task id → time it may leave
  let open = null; // the inline form shown: {key, element}
  let toolsSignature = '';
  let dragged = null; // the id of the task being dragged (dragover cannot read the drag's data)
  let stale = false; // a change came during a drag: rendering then would drop the rows under the pointer

  function render() {
    if (dragged) {
      stale = true;
      return;
    }
    stale = false;
    const row = project();
    if (!store.state.loaded || !row) {
      heading.textContent = store.state.loaded ? 'Project not found' : 'Project';
      subtitle.textContent = store.state.loaded ? 'It may have been deleted.' : 'Loading…';
      replace(body, store.state.loaded ? null : skeleton());
      replace(tools);
      return;
    }
    document.title = `${row.name} · TaskAI`;
    heading.textContent = row.name;
    notice.hidden = !row.archived;
    notice.textContent = 'This project is archived: its tasks are hidden from the other lists.';
    renderTools(row);
    const zone = store.state.user?.timezone || 'UTC';
    const sections = store.sectionsOf(projectId);
    const known = new Set(sections.map((s) => s.id));
    const tasks = [...store.state.tasks.values()].filter((t) => t.project_id === projectId && (t.status !== 'completed'
      || (lingering.get(t.id) || 0) > Date.now()));
    const groupOf = (t) => (t.section_id && known.has(t.section_id) ? t.section_id : NO_SECTION);
    subtitle.textContent = `${tasks.length} open ${tasks.length === 1 ? 'task' : 'tasks'}`;
    const board = row.view === 'board';
    const listed = new Set(tasks.map((t) => t.id));
    const shownBelow = childrenIndex(tasks); // a subtask shows under its parent, whatever its section says
    const tree = { zone, board, shownBelow, every: childrenIndex(store.state.tasks.values()) };
    const roots = tasks.filter((t) => !listed.has(t.parent_id)).sort(byPosition);
    // Read the focus first: building the groups moves an open form's element, which blurs it.
    const focused = document.activeElement;
    const focusedId = focused?.closest?.('.task')?.dataset.id;
    const groups = [{ id: NO_SECTION, name: 'No section' }, ...sections].map((section) => group(section,
      roots.filter((t) => groupOf(t) === section.id), { ...tree, titled: board || sections.length > 0 }));
    replace(body, h('div', { class: `project-groups layout-${row.view}` }, groups, addSectionControl()));
    if (open?.element.contains(focused)) focused.focus();
    else restoreFocus(focusedId, focused);
  }

  function renderTools(row) {
    const signature = `${row.view}:${row.archived}:${row.inbox}`;
    if (signature === toolsSignature) return;
    toolsSignature = signature;
    const layout = (view, text) => h('button', {
      type: 'button', class: 'btn btn-small layout-btn', 'aria-pressed': String(row.view === view),
      onclick: () => setView(view),
    }, text);
    replace(tools,
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Layout' }, layout('list', 'List'), layout('board', 'Board')),
      !row.inbox && [
        h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-label': 'Edit project', onclick: () => projectDialog(project()) },
          'Edit', h('span', { class: 'wide-only' }, ' project')),
        h('button', { type: 'button', class: 'btn btn-small btn-quiet', onclick: toggleArchived }, row.archived ? 'Unarchive' : 'Archive'),
        h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet', 'aria-label': 'Delete project', onclick: removeProject },
          'Delete', h('span', { class: 'wide-only' }, ' project')),
      ]);
  }

  /** One section: its heading (with rename and delete), its tasks (`roots` and, in a list, their subtasks) and an "Add task" control; a drop target. */
  function group(section, roots, tree) {
    const { board, titled, shownBelow } = tree;
    const id = uid('sec');
    const real = section.id !== NO_SECTION;
    const entries = board ? roots.map((task) => ({ task, depth: 0 })) : nest(roots, shownBelow, store.isCollapsed);
    const rows = entries.map((entry) => entryRow(entry, tree));
    const form = open?.key.startsWith('sub:') ? entries.findIndex((e) => e.task.id === open.key.slice(4)) : -1;
    if (form >= 0) { // the "Add subtask" form goes after the parent's subtasks
      const depth = entries[form].depth;
      let end = form + 1;
      while (end < entries.length && entries[end].depth > depth) end += 1;
      rows.splice(end, 0, h('li', { class: 'subtask-form', style: { '--depth': String(depth + 1) } }, open.element));
    }
    const renaming = open?.key === `rename:${section.id}`;
    const title = renaming ? open.element : h('h2', { class: 'group-title', id }, h('span', { class: 'group-name' }, section.name),
      h('span', { class: 'group-count' }, String(board ? roots.length : nest(roots, shownBelow).length)));
    const element = h('section', {
      class: 'task-group proj-group', dataset: { section: section.id },
      'aria-labelledby': titled && !renaming ? id : null, 'aria-label': titled && !renaming ? null : section.name,
    },
      (titled || renaming) && h('div', { class: 'group-head' }, title, real && !renaming && [
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': `Rename section ${section.name}`, title: 'Rename', onclick: () => openForm(`rename:${section.id}`, renameForm(section)) }, icon('edit')),
        h('button', { type: 'button', class: 'icon-btn danger', 'aria-label': `Delete section ${section.name}`, title: 'Delete', onclick: () => removeSection(section) }, icon('trash')),
      ]),
      h('ul', { class: 'task-list drop-zone', 'aria-label': titled ? section.name : heading.textContent }, rows),
      addTaskControl(section, board));
    element.addEventListener('dragover', (event) => {
      if (!event.dataTransfer.types.includes('text/plain')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      element.classList.add('drop-target');
    });
    element.addEventListener('dragleave', (event) => {
      if (!element.contains(event.relatedTarget)) element.classList.remove('drop-target');
    });
    element.addEventListener('drop', (event) => { // not on a row: last in the section, at the top level
      event.preventDefault();
      element.classList.remove('drop-target');
      const task = store.state.tasks.get(event.dataTransfer.getData('text/plain'));
      endDrag();
      if (!task || task.project_id !== projectId) return;
      toSectionEnd(task, real ? section : null, roots);
    });
    return element;
  }

  /** The row of one task (a card on the board): draggable, and a drop target before, after or into it. */
  function entryRow({ task, depth }, { zone, board, every, shownBelow }) {
    const handlers = {
      onToggle: toggle, onOpen: (t) => openEditor(t), onTag: (name) => router.navigate(`/all?tag=${encodeURIComponent(name)}`),
      onFold: board ? null : (t) => store.setCollapsed(t.id, !store.isCollapsed(t.id)),
      onAddSubtask: board ? null : addSubtask,
    };
    const row = taskRow(task, zone, handlers, {
      depth, progress: progress(task.id, every), collapsed: store.isCollapsed(task.id),
      parent: depth ? store.state.tasks.get(task.parent_id)?.title : '',
    });
    if ((lingering.get(task.id) || 0) > Date.now()) row.classList.add('leaving');
    row.draggable = true;
    row.addEventListener('dragstart', (event) => {
      event.dataTransfer.setData('text/plain', task.id);
      event.dataTransfer.effectAllowed = 'move';
      dragged = task.id;
      body.classList.add('dragging');
    });
    row.addEventListener('dragend', endDrag);
    const droppable = () => dragged && !store.isWithin(task.id, dragged); // never onto itself or its own subtasks
    row.addEventListener('dragover', (event) => {
      if (!droppable()) return;
      event.preventDefault();
      event.stopPropagation();
      event.dataTransfer.dropEffect = 'move';
      markDrop(row, spotOf(event, row, board));
    });
    row.addEventListener('dragleave', (event) => {
      if (!row.contains(event.relatedTarget)) markDrop(row, null);
    });
    row.addEventListener('drop', (event) => {
      if (!droppable()) return;
      event.preventDefault();
      event.stopPropagation();
      const spot = spotOf(event, row, board);
      const moving = store.state.tasks.get(dragged);
      endDrag();
      const first = !board && !store.isCollapsed(task.id) && shownBelow.get(task.id)?.[0];
      if (!moving) return;
      if (spot === 'after' && first) { // between a parent and its first subtask: first among them
        if (first.id !== moving.id) dropNext(moving, first, 'before');
      } else dropNext(moving, task, spot);
    });
    return row;
  }

  function endDrag() {
    dragged = null;
    body.classList.remove('dragging');
    for (const row of body.querySelectorAll('.drop-before, .drop-after, .drop-into')) markDrop(row, null);
    if (stale) render();
  }

  function addSubtask(parent) {
    store.setCollapsed(parent.id, false);
    openForm(`sub:${parent.id}`, inlineForm({
      label: 'Subtask title', submit: 'Add subtask', onCancel: closeForm,
      onSubmit: async (title) => {
        const task = await actions.create({ title, parent_id: parent.id });
        announce(`Added subtask “${task.title}” to “${parent.title}”`);
        return true;
      },
    }));
  }

  function addTaskControl(section, board) {
    const key = `task:${section.id}`;
    if (open?.key === key) return open.element;
    const where = section.id === NO_SECTION ? project().name : section.name;
    return h('button', {
      type: 'button', class: `btn btn-small btn-quiet add-inline${board ? ' add-card' : ''}`, 'aria-label': `Add task to ${where}`,
      onclick: () => openForm(key, inlineForm({
        label: 'Task title', submit: 'Add task', onCancel: closeForm,
        onSubmit: async (title) => {
          const task = await actions.create({ title, project_id: projectId, section_id: section.id === NO_SECTION ? null : section.id });
          announce(`Added “${task.title}” to ${where}`);
          return true;
        },
      })),
    }, icon('plus'), 'Add task');
  }

  function addSectionControl() {
    if (open?.key === 'section') return open.element;
    return h('button', {
      type: 'button', class: 'btn btn-small btn-quiet add-inline add-section',
      onclick: () => openForm('section', inlineForm({
        label: 'Section name', submit: 'Add section', onCancel: closeForm, maxLength: 120,
        onSubmit: async (name) => {
          store.putRows('sections', [await api.createSection(projectId, { name })]);
          announce(`Added section “${name}”`);
          return true;
        },
      })),
    }, icon('plus'), 'Add section');
  }

  function renameForm(section) {
    return inlineForm({
      label: 'Section name', value: section.name, submit: 'Save', onCancel: closeForm, className: 'rename-form', maxLength: 120,
      onSubmit: async (name) => {
        store.putRows('sections', [await api.updateSection(section.id, { name })]);
        announce(`Renamed section to “${name}”`);
        closeForm();
      },
    });
  }

  function openForm(key, form) {
    open = { key, element: form.element };
    render();
    form.input.focus();
    form.input.select();
  }

  function closeForm() {
    const key = open?.key;
    open = null;
    render();
    const [kind, id] = key?.split(':') || [];
    if (kind === 'sub') body.querySelector(`.task[data-id="${id}"] .add-subtask`)?.focus();
    else body.querySelector(id ? `[data-section="${id}"] .add-inline, [data-section="${id}"] .group-head .icon-btn` : '.add-section')?.focus();
  }

  async function removeSection(section) {
    if (!(await confirmDialog(`Delete section “${section.name}”?`, { detail: 'Its tasks stay in the project, in no section.' }))) return;
    try {
      await api.deleteSection(section.id);
      store.removeRow('sections', section.id);
      for (const task of store.state.tasks.values()) if (task.section_id === section.id) task.section_id = null;
      store.changed();
      announce(`Deleted section “${section.name}”`);
    } catch (error) {
      fail(error, 'Could not delete the section');
    }
  }

  async function setView(view) {
    const before = project();
    if (before.view === view) return;
    store.putRows('projects', [{ ...before, view }]);
    try {
      store.putRows('projects', [await api.updateProject(projectId, { view })]);
      announce(view === 'board' ? 'Board layout' : 'List layout');
    } catch (error) {
      store.putRows('projects', [before]);
      fail(error, 'Could not change the layout');
    }
  }

  async function toggleArchived() {
    const archived = !project().archived;
    try {
      store.putRows('projects', [await api.updateProject(projectId, { archived })]);
      announce(archived ? `Archived “${project().name}”` : `Unarchived “${project().name}”`);
    } catch (error) {
      fail(error, 'Could not change the project');
    }
  }

  async function removeProject() {
    if (await deleteProjectDialog(project())) router.navigate(`/projects/${store.inbox()?.id}`);
  }

  function toggle(task) {
    if (task.status === 'completed') {
      actions.reopen(task.id);
      return;
    }
    const openBelow = store.descendantsOf(task.id).filter(isOpen); // they go done with it
    for (const t of [task, ...openBelow]) lingering.set(t.id, Date.now() + LINGER_MS);
    setTimeout(render, LINGER_MS + 20);
    actions.complete(task.id);
  }

  /** Re-rendering replaces rows: keep the keyboard where it was (the row, or its checkbox or fold button). */
  function restoreFocus(taskId, focused) {
    const rows = [...body.querySelectorAll('.task')];
    const row = rows.find((r) => r.dataset.id === taskId);
    (row || rows[0])?.setAttribute('tabindex', '0');
    const control = ['check', 'subtask-fold', 'add-subtask'].find((name) => focused?.classList.contains(name));
    if (row) ((control && row.querySelector(`.${control}`)) || row).focus();
  }

  render();
  const stop = store.subscribe(render);
  const withTask = (fn) => (taskId) => { const task = store.state.tasks.get(taskId); if (task) fn(task); };
  return {
    heading,
    destroy: stop,
    toggle: withTask(toggle),
    edit: withTask(openEditor),
    move: withTask(moveDialog),
    reorder: (taskId, direction) => withTask((task) => reorderOrSay(task, direction))(taskId),
  };

  /** Alt+arrows; on the board, where cards do not nest, Alt+→/← only say so and the card keeps focus. */
  function reorderOrSay(task, direction) {
    if (project()?.view === 'board' && (direction === 'in' || direction === 'out')) {
      announce('Cards on a board do not nest; use the List layout for subtasks');
      return;
    }
    reorder(task, direction);
  }
}
