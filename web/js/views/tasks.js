// Task list pages (Today, Upcoming, …, Search, a saved filter): the filtered, sorted, grouped list, kept live.
import { h, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import * as store from '../store.js';
import * as router from '../router.js';
import * as actions from '../actions.js';
import { VIEWS, select, sortTasks, group, childrenIndex, nestListed, progress } from '../lists.js';
import { dayName, today } from '../dates.js';
import { taskRow } from '../components/task-row.js';
import { openEditor } from '../components/editor.js';
import { filterBar } from '../components/filter-bar.js';
import { filterBox } from '../components/filter-box.js';
import { filterDialog, moveDialog, placeName } from '../components/project-dialogs.js';
import { confirmDialog } from '../components/dialog.js';
import { fail } from '../announce.js';
import { emptyState, skeleton } from '../components/empty-states.js';

const LINGER_MS = 450; // a just-completed task stays in place this long, then slides out
const SEARCH = { title: 'Search', sort: 'relevance', match: () => true };

/** Render the list page for `viewKey` (or 'search') into `host`; `savedFilter` is a saved filter's id. */
export function tasksPage(host, viewKey, { savedFilter = null } = {}) {
  const searching = viewKey === 'search';
  const view = VIEWS[viewKey] || SEARCH;
  const params = router.params();
  const filters = {
    tag: params.get('tag') || '', priority: params.get('priority') || '',
    status: params.get('status') || (searching ? 'any' : ''), sort: params.get('sort') || view.sort,
  };
  const lingering = new Map(); // task id → time it may leave the list
  let searchIds = null; // the ids the API answered for the search words and the filter query
  let searchController = null;
  const savedRow = () => (savedFilter ? store.state.filters.get(savedFilter) : null);
  let query = savedFilter ? savedRow()?.query || '' : params.get('filter') || '';
  let savedQuery = query; // the saved filter's query as last seen, to follow edits
  const remote = () => searching || Boolean(query) || (savedFilter && !savedRow());
  let rendered = new Set();

  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' });
  const subtitle = h('p', { class: 'page-subtitle' });
  const bar = filterBar({ filters, viewKey, defaultSort: view.sort, onChange: refresh });
  const box = filterBox({ query, onApply: applyQuery, onSave: saveQuery });
  const listHost = h('div', { class: 'list-host' });
  const headActions = h('div', { class: 'page-actions' });
  replace(host, h('section', { class: 'page', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading, subtitle, headActions), box.element, bar.element, listHost));
  if (savedFilter) {
    replace(headActions,
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => savedRow() && filterDialog(savedRow()) }, 'Edit filter'),
      h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet', onclick: deleteSaved }, 'Delete filter'));
  }

  function refresh() {
    if (remote()) runSearch();
    else searchIds = null;
    render();
  }

  function applyQuery(text) {
    query = text;
    if (!savedFilter) router.setParams({ filter: text });
    searchIds = null;
    refresh();
  }

  async function saveQuery(text) {
    const saved = await filterDialog(null, text);
    if (saved) router.navigate(`/filters/${saved.id}`);
  }

  async function deleteSaved() {
    const row = savedRow();
    if (!row || !(await confirmDialog(`Delete filter “${row.name}”?`, { detail: 'Its tasks stay as they are.' }))) return;
    try {
      await api.deleteFilter(row.id);
      store.removeRow('filters', row.id);
      router.navigate('/today');
    } catch (error) {
      fail(error, 'Could not delete the filter');
    }
  }

  function visibleTasks() {
    const { tasks, user } = store.state;
    let pool = [...tasks.values()].filter((task) => searching || store.shown(task));
    if (remote()) {
      if (!searchIds) return null;
      pool = searchIds.map((id) => tasks.get(id)).filter(Boolean);
    }
    const chosen = select(pool, searching ? 'all' : viewKey, filters, user?.timezone || 'UTC');
    for (const [id, until] of lingering) {
      const task = tasks.get(id);
      if (until < Date.now() || !task) lingering.delete(id);
      else if (!chosen.includes(task)) chosen.push(task);
    }
    return filters.sort === 'relevance' ? chosen : sortTasks(chosen, filters.sort);
  }

  function render() {
    const zone = store.state.user?.timezone || 'UTC';
    const missing = savedFilter && store.state.loaded && !savedRow(); // deleted, here or elsewhere
    heading.textContent = searching ? `Search: ${router.params().get('q') || ''}`
      : savedFilter ? savedRow()?.name || (missing ? 'Filter not found' : 'Filter') : view.title;
    headActions.hidden = Boolean(missing);
    if (savedFilter && savedRow()) document.title = `${savedRow().name} · TaskAI`;
    const tasks = store.state.loaded ? visibleTasks() : null;
    if (!tasks) {
      subtitle.textContent = remote() && store.state.loaded ? 'Searching…' : 'Loading…';
      replace(listHost, skeleton());
      listHost.setAttribute('aria-busy', 'true');
      return;
    }
    listHost.removeAttribute('aria-busy');
    const noun = `${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}`;
    subtitle.textContent = viewKey === 'today' ? `${dayName(today(zone), zone)} · ${noun}` : noun;
    const focused = document.activeElement;
    const focusedId = focused?.closest?.('.task')?.dataset.id;
    if (!tasks.length) {
      const filtered = Boolean(filters.tag || filters.priority || filters.status || query);
      replace(listHost, emptyState({ view, viewKey, searching, filtered }));
      rendered = new Set();
      return;
    }
    const next = new Set();
    const handlers = {
      onToggle: toggle, onOpen: (task) => openEditor(task), onTag: filterByTag,
      place: (task) => (store.state.projects.get(task.project_id)?.inbox === false ? placeName(task) : ''),
      onFold: (task) => store.setCollapsed(task.id, !store.isCollapsed(task.id)),
    };
    const every = childrenIndex(store.state.tasks.values()); // subtasks (issue 16): progress counts every status
    replace(listHost, group(tasks, searching ? 'search' : viewKey, filters.sort, zone).map((section) => {
      const rows = nestListed(section.tasks, store.isCollapsed).map(({ task, depth }) => {
        const row = taskRow(task, zone, handlers, {
          depth, progress: progress(task.id, every), collapsed: store.isCollapsed(task.id),
          parent: depth ? store.state.tasks.get(task.parent_id)?.title : '',
        });
        if (rendered.size && !rendered.has(task.id)) row.classList.add('entering');
        if (lingering.has(task.id) && task.status === 'completed') row.classList.add('leaving');
        next.add(task.id);
        return row;
      });
      return h('section', { class: `task-group${section.key === 'overdue' ? ' group-overdue' : ''}` },
        section.title && h('h2', { class: 'group-title' }, section.title, h('span', { class: 'group-count' }, String(section.tasks.length))),
        h('ul', { class: 'task-list', 'aria-label': section.title || heading.textContent }, rows));
    }));
    rendered = next;
    restoreFocus(focusedId, focused);
  }

  /** Re-rendering replaces rows: keep the keyboard where it was (the row, or its checkbox or fold button). */
  function restoreFocus(taskId, focused) {
    const rows = [...listHost.querySelectorAll('.task')];
    const row = rows.find((r) => r.dataset.id === taskId);
    (row || rows[0])?.setAttribute('tabindex', '0');
    const control = ['check', 'subtask-fold'].find((name) => focused?.classList.contains(name));
    if (row) ((control && row.querySelector(`.${control}`)) || row).focus();
  }

  function toggle(task) {
    if (task.status === 'completed') {
      actions.reopen(task.id);
      return;
    }
    const shownBelow = store.descendantsOf(task.id).filter((t) => rendered.has(t.id)); // they go done with it
    for (const t of [task, ...shownBelow]) lingering.set(t.id, Date.now() + LINGER_MS);
    setTimeout(render, LINGER_MS + 20);
    actions.complete(task.id);
  }

  function filterByTag(name) {
    if (searching) bar.set('tag', name);
    else router.navigate(`/${viewKey === 'completed' ? 'completed' : 'all'}?tag=${encodeURIComponent(name)}`, { focus: false });
  }

  const runSearch = debounce(async () => {
    const q = searching ? router.params().get('q') : null;
    searchController?.abort();
    searchController = new AbortController();
    const wanted = filters.status || view.status || 'open';
    const status = { open: 'pending,in_progress', any: '' }[wanted] ?? wanted;
    try {
      const page = q || query ? await api.listTasks({
        q, filter: query || null, status, tag: filters.tag, priority: filters.priority,
        sort: q ? 'relevance' : null, limit: q ? 100 : 200, // a filter's page is the API's largest
      }, searchController.signal) : { items: [] };
      store.putTasks(page.items, { fromSync: true });
      searchIds = page.items.map((t) => t.id);
      render();
    } catch (error) {
      if (error.name === 'AbortError') return;
      searchIds = [];
      render();
      if (error.fields?.filter) box.showError(error.fields.filter);
      else subtitle.textContent = error.message;
    }
  }, 60);

  refresh();
  let tagCount = store.state.tags.size;
  let cursor = store.state.cursor;
  const stop = store.subscribe(() => {
    if (store.state.tags.size !== tagCount && !bar.element.contains(document.activeElement)) {
      tagCount = store.state.tags.size;
      bar.render();
    }
    const row = savedRow();
    if (row && row.query !== savedQuery) { // a saved filter loaded or edited (here or elsewhere)
      savedQuery = row.query;
      box.set(row.query);
      applyQuery(row.query);
      return;
    }
    if (query && !searching && store.state.cursor !== cursor) runSearch(); // tasks changed: ask again
    cursor = store.state.cursor;
    render();
  });
  return {
    heading,
    destroy: () => {
      stop();
      searchController?.abort();
      runSearch.cancel();
    },
    toggle: (id) => { const task = store.state.tasks.get(id); if (task) toggle(task); },
    edit: (id) => { const task = store.state.tasks.get(id); if (task) openEditor(task); },
    move: (id) => { const task = store.state.tasks.get(id); if (task) moveDialog(task); },
  };
}
