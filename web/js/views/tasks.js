// Task list pages (Today, Upcoming, …, Search): the filtered, sorted, grouped list, kept live.
import { h, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import * as store from '../store.js';
import * as router from '../router.js';
import * as actions from '../actions.js';
import { VIEWS, select, sortTasks, group } from '../lists.js';
import { dayName, today } from '../dates.js';
import { taskRow } from '../components/task-row.js';
import { openEditor } from '../components/editor.js';
import { filterBar } from '../components/filter-bar.js';
import { emptyState, skeleton } from '../components/empty-states.js';

const LINGER_MS = 450; // a just-completed task stays in place this long, then slides out
const SEARCH = { title: 'Search', sort: 'relevance', match: () => true };

/** Render the list page for `viewKey` (or 'search') into `host`. */
export function tasksPage(host, viewKey) {
  const searching = viewKey === 'search';
  const view = VIEWS[viewKey] || SEARCH;
  const params = router.params();
  const filters = {
    tag: params.get('tag') || '', priority: params.get('priority') || '',
    status: params.get('status') || (searching ? 'any' : ''), sort: params.get('sort') || view.sort,
  };
  const lingering = new Map(); // task id → time it may leave the list
  let searchIds = null;
  let searchController = null;
  let rendered = new Set();

  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' });
  const subtitle = h('p', { class: 'page-subtitle' });
  const bar = filterBar({ filters, viewKey, defaultSort: view.sort, onChange: refresh });
  const listHost = h('div', { class: 'list-host' });
  replace(host, h('section', { class: 'page', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading, subtitle), bar.element, listHost));

  function refresh() {
    if (searching) runSearch();
    render();
  }

  function visibleTasks() {
    const { tasks, user } = store.state;
    let pool = [...tasks.values()];
    if (searching) {
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
    heading.textContent = searching ? `Search: ${router.params().get('q') || ''}` : view.title;
    const tasks = store.state.loaded ? visibleTasks() : null;
    if (!tasks) {
      subtitle.textContent = searching ? 'Searching…' : 'Loading…';
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
      const filtered = Boolean(filters.tag || filters.priority || filters.status);
      replace(listHost, emptyState({ view, viewKey, searching, filtered }));
      rendered = new Set();
      return;
    }
    const next = new Set();
    const handlers = { onToggle: toggle, onOpen: (task) => openEditor(task), onTag: filterByTag };
    replace(listHost, group(tasks, searching ? 'search' : viewKey, filters.sort, zone).map((section) => {
      const rows = section.tasks.map((task) => {
        const row = taskRow(task, zone, handlers);
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
    restoreFocus(focusedId, focused?.classList.contains('check'));
  }

  /** Re-rendering replaces rows: keep the keyboard where it was. */
  function restoreFocus(taskId, onCheckbox) {
    const rows = [...listHost.querySelectorAll('.task')];
    const row = rows.find((r) => r.dataset.id === taskId);
    (row || rows[0])?.setAttribute('tabindex', '0');
    if (row) (onCheckbox ? row.querySelector('.check') : row).focus();
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

  function filterByTag(name) {
    if (searching) bar.set('tag', name);
    else router.navigate(`/${viewKey === 'completed' ? 'completed' : 'all'}?tag=${encodeURIComponent(name)}`, { focus: false });
  }

  const runSearch = debounce(async () => {
    const q = router.params().get('q');
    searchController?.abort();
    searchController = new AbortController();
    const status = { open: 'pending,in_progress', any: '' }[filters.status] ?? filters.status;
    try {
      const page = q ? await api.listTasks({
        q, status, tag: filters.tag, priority: filters.priority, sort: 'relevance', limit: 100,
      }, searchController.signal) : { items: [] };
      store.putTasks(page.items, { fromSync: true });
      searchIds = page.items.map((t) => t.id);
      render();
    } catch (error) {
      if (error.name === 'AbortError') return;
      searchIds = [];
      render();
      subtitle.textContent = error.message;
    }
  }, 60);

  refresh();
  let tagCount = store.state.tags.size;
  const stop = store.subscribe(() => {
    if (store.state.tags.size !== tagCount && !bar.element.contains(document.activeElement)) {
      tagCount = store.state.tags.size;
      bar.render();
    }
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
  };
}
