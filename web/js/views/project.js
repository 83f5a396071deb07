// A project page: its open tasks grouped by section, as a list or as a board of columns, kept live;
// tasks move between sections by drag and drop (or the "Move to…" dialog), sections are edited in place.
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
import { projectDialog, deleteProjectDialog, moveDialog, moveToSection } from '../components/project-dialogs.js';

const LINGER_MS = 450; // a just-completed task stays in place this long, then leaves
const NO_SECTION = 'none'; // the key of the group of tasks in no section
const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || Date.parse(a.created_at) - Date.parse(b.created_at);

/** Render the page of project `projectId` into `host`; returns {heading, destroy, toggle, edit, move}. */
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

  function render() {
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
    const groups = [{ id: NO_SECTION, name: 'No section' }, ...sections].map((section) => group(section,
      tasks.filter((t) => groupOf(t) === section.id).sort(byPosition), { zone, board, titled: board || sections.length > 0 }));
    const focused = document.activeElement;
    const focusedId = focused?.closest?.('.task')?.dataset.id;
    replace(body, h('div', { class: `project-groups layout-${row.view}` }, groups, addSectionControl()));
    if (open?.element.contains(focused)) focused.focus();
    else restoreFocus(focusedId, focused?.classList.contains('check'));
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

  /** One section: its heading (with rename and delete), its tasks, and an "Add task" control; a drop target. */
  function group(section, tasks, { zone, board, titled }) {
    const id = uid('sec');
    const real = section.id !== NO_SECTION;
    const handlers = { onToggle: toggle, onOpen: (task) => openEditor(task), onTag: (name) => router.navigate(`/all?tag=${encodeURIComponent(name)}`) };
    const rows = tasks.map((task) => {
      const row = taskRow(task, zone, handlers);
      if ((lingering.get(task.id) || 0) > Date.now()) row.classList.add('leaving');
      row.draggable = true;
      row.addEventListener('dragstart', (event) => {
        event.dataTransfer.setData('text/plain', task.id);
        event.dataTransfer.effectAllowed = 'move';
        body.classList.add('dragging');
      });
      row.addEventListener('dragend', () => body.classList.remove('dragging'));
      return row;
    });
    const renaming = open?.key === `rename:${section.id}`;
    const title = renaming ? open.element : h('h2', { class: 'group-title', id }, h('span', { class: 'group-name' }, section.name),
      h('span', { class: 'group-count' }, String(tasks.length)));
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
    element.addEventListener('drop', (event) => {
      event.preventDefault();
      element.classList.remove('drop-target');
      body.classList.remove('dragging');
      const task = store.state.tasks.get(event.dataTransfer.getData('text/plain'));
      if (task && task.project_id === projectId) moveToSection(task, real ? section.id : null);
    });
    return element;
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
        label: 'Section name', submit: 'Add section', onCancel: closeForm,
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
      label: 'Section name', value: section.name, submit: 'Save', onCancel: closeForm, className: 'rename-form',
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
    const section = key?.split(':')[1];
    body.querySelector(section ? `[data-section="${section}"] .add-inline, [data-section="${section}"] .group-head .icon-btn` : '.add-section')?.focus();
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
    lingering.set(task.id, Date.now() + LINGER_MS);
    setTimeout(render, LINGER_MS + 20);
    actions.complete(task.id);
  }

  /** Re-rendering replaces rows: keep the keyboard where it was. */
  function restoreFocus(taskId, onCheckbox) {
    const rows = [...body.querySelectorAll('.task')];
    const row = rows.find((r) => r.dataset.id === taskId);
    (row || rows[0])?.setAttribute('tabindex', '0');
    if (row) (onCheckbox ? row.querySelector('.check') : row).focus();
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
  };
}
