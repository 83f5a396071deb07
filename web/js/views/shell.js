// The signed-in frame: top bar with search, sidebar with views, projects, saved filters, tags and account, and the main area.
import { h, replace, debounce } from '../dom.js';
import { icon } from '../icons.js';
import * as store from '../store.js';
import { api } from '../api.js';
import * as router from '../router.js';
import { VIEWS, counts } from '../lists.js';
import { quickAdd } from '../components/quick-add.js';
import { shortcutsDialog } from '../components/dialog.js';
import { projectDialog, filterDialog, moveToProject } from '../components/project-dialogs.js';

const NAV = ['today', 'upcoming', 'overdue', 'nodate', 'all', 'completed'];

export function mountShell(root, { onSignOut }) {
  const search = h('input', {
    type: 'search', id: 'search', class: 'search-input', placeholder: 'Search tasks', autocomplete: 'off',
    'aria-keyshortcuts': '/', enterkeyhint: 'search',
  });
  const menuButton = h('button', {
    type: 'button', class: 'icon-btn menu-btn', 'aria-label': 'Menu', 'aria-expanded': 'false', 'aria-controls': 'sidebar',
  }, icon('menu'));
  const countEls = {};
  const navLinks = NAV.map((key) => {
    countEls[key] = h('span', { class: `count${key === 'overdue' ? ' count-alert' : ''}` });
    return h('li', {}, h('a', { href: `/${key}`, class: 'nav-link', dataset: { view: key } },
      icon(VIEWS[key].icon), h('span', { class: 'nav-text' }, key === 'all' ? 'All' : VIEWS[key].title), countEls[key]));
  });
  const tagList = h('ul', { class: 'nav-tags', 'aria-label': 'Tags' });
  // projects and saved filters (issue 16)
  const projectList = h('ul', { class: 'nav-tags', 'aria-label': 'Projects' });
  const archivedList = h('ul', { class: 'nav-tags', 'aria-label': 'Archived projects' });
  const archivedCount = h('span', { class: 'count' });
  const archived = h('details', { class: 'nav-archived', hidden: true },
    h('summary', { class: 'nav-link nav-small' }, h('span', { class: 'nav-text' }, 'Archived projects'), archivedCount), archivedList);
  const filterList = h('ul', { class: 'nav-tags', 'aria-label': 'Saved filters' });
  const addButton = (text, onclick) => h('button', { type: 'button', class: 'icon-btn nav-add', 'aria-label': text, title: text, onclick }, icon('plus'));
  const addProject = async () => {
    const project = await projectDialog();
    if (project) router.navigate(`/projects/${project.id}`);
  };
  const addFilter = async () => {
    const filter = await filterDialog();
    if (filter) router.navigate(`/filters/${filter.id}`);
  };
  const userName = h('span', { class: 'nav-text user-name' });
  const closeMenu = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close menu' }, icon('close'));
  const sidebar = h('nav', { id: 'sidebar', class: 'sidebar', 'aria-label': 'Main' },
    h('div', { class: 'sidebar-head' },
      h('span', { class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: '24', height: '24' }), h('span', {}, 'TaskAI')),
      closeMenu),
    h('ul', { class: 'nav-views' }, navLinks),
    h('div', { class: 'nav-section' },
      h('div', { class: 'nav-heading-row' }, h('h2', { class: 'nav-heading' }, 'Projects'), addButton('Add project', addProject)),
      projectList, archived),
    h('div', { class: 'nav-section' },
      h('div', { class: 'nav-heading-row' }, h('h2', { class: 'nav-heading' }, 'Filters'), addButton('Add filter', addFilter)),
      filterList),
    h('div', { class: 'nav-section' },
      h('h2', { class: 'nav-heading' }, 'Tags'), tagList,
      h('a', { href: '/tags', class: 'nav-link nav-small', dataset: { view: 'tags' } }, icon('tag'), h('span', { class: 'nav-text' }, 'Manage tags'))),
    h('div', { class: 'sidebar-foot' },
      h('a', { href: '/profile', class: 'nav-link', dataset: { view: 'profile' } }, icon('user'), userName),
      h('a', { href: '/settings', class: 'nav-link', dataset: { view: 'settings' } }, icon('settings'), h('span', { class: 'nav-text' }, 'Settings')),
      h('button', { type: 'button', class: 'nav-link nav-button', onclick: onSignOut }, icon('logout'), h('span', { class: 'nav-text' }, 'Sign out'))));
  const scrim = h('div', { class: 'scrim', hidden: true });
  const quick = quickAdd();
  const page = h('div', { class: 'page-host' });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' }, h('div', { class: 'main-inner' }, quick.form, page));
  const topbar = h('header', { class: 'topbar' },
    menuButton,
    h('a', { href: '/today', class: 'brand', 'aria-label': 'TaskAI, Today' },
      h('img', { src: '/favicon.svg', alt: '', width: '24', height: '24' }), h('span', {}, 'TaskAI')),
    h('form', { class: 'search', role: 'search', onsubmit: (e) => e.preventDefault() },
      h('label', { for: 'search', class: 'visually-hidden' }, 'Search tasks'), icon('search'), search),
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Keyboard shortcuts', 'aria-keyshortcuts': '?', onclick: () => shortcutsDialog() }, icon('keyboard')));
  replace(root, h('div', { class: 'shell' }, topbar, sidebar, scrim, main));

  let lastList = '/today';
  // The results page of `q`, replacing the results shown (one history entry per search, not per key).
  const searchFor = (q) => router.navigate(`/search?q=${encodeURIComponent(q)}`, { replace: router.path() === '/search', focus: false });
  const runSearch = debounce(() => {
    const q = search.value.trim();
    if (q) searchFor(q);
    else if (router.path() === '/search') router.navigate(lastList, { focus: false });
  }, 200);
  search.addEventListener('input', runSearch);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      search.value = '';
      runSearch();
      search.blur();
    } else if (event.key === 'ArrowDown' || (event.key === 'Enter' && search.value.trim())) {
      runSearch.cancel();
      const q = search.value.trim();
      const shown = router.path() === '/search' && router.params().get('q') === q;
      const go = q && !shown ? searchFor(q) : null;
      Promise.resolve(go).then(() => document.querySelector('#main .task')?.focus());
      event.preventDefault();
    }
  });

  const setMenu = (open) => {
    sidebar.classList.toggle('open', open);
    scrim.hidden = !open;
    menuButton.setAttribute('aria-expanded', String(open));
    if (open) sidebar.querySelector('a')?.focus();
  };
  menuButton.addEventListener('click', () => setMenu(!sidebar.classList.contains('open')));
  scrim.addEventListener('click', () => setMenu(false));
  closeMenu.addEventListener('click', () => {
    setMenu(false);
    menuButton.focus();
  });
  sidebar.addEventListener('click', (event) => { if (event.target.closest('a')) setMenu(false); });
  sidebar.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && sidebar.classList.contains('open')) {
      setMenu(false);
      menuButton.focus();
    }
  });

  // Saved filters' counts: the filter language is read by the API only, so one request per saved
  // filter (at most 200 of them), sent one after another and again only after the tasks change.
  const FILTER_PAGE = 200; // the API's largest page; past it the count says "200+"
  const filterCounts = new Map(); // filter id → its open tasks, as shown
  let countSignature = '';
  const recountFilters = debounce(async () => {
    for (const filter of store.savedFilters()) {
      try {
        const page = await api.listTasks({ filter: filter.query, status: 'pending,in_progress', limit: FILTER_PAGE });
        filterCounts.set(filter.id, page.next_cursor ? `${FILTER_PAGE}+` : page.items.length);
      } catch {
        filterCounts.delete(filter.id); // a query the API refuses now, or the API away: no count
      }
    }
    update();
  }, 800);

  let tagSignature = '';
  let placeSignature = '';
  function update() {
    const { user, tasks, tags } = store.state;
    const zone = user?.timezone || 'UTC';
    const all = [...tasks.values()].filter(store.shown);
    const numbers = counts(all, zone);
    const open = new Map(); // project id → open tasks
    for (const task of all) if (task.status !== 'completed') open.set(task.project_id, (open.get(task.project_id) || 0) + 1);
    const places = [store.projects(), store.projects({ archived: true }), store.savedFilters()];
    let latest = '';
    for (const task of tasks.values()) if (task.updated_at > latest) latest = task.updated_at;
    const countsNow = JSON.stringify([places[2].map((f) => [f.id, f.query]), tasks.size, latest]);
    if (countsNow !== countSignature && places[2].length) {
      countSignature = countsNow;
      recountFilters();
    }
    const placesNow = JSON.stringify([places, [...open], [...filterCounts]]);
    if (placesNow !== placeSignature) {
      placeSignature = placesNow;
      renderPlaces(...places, open);
    }
    for (const key of NAV) countEls[key].textContent = numbers[key] ? String(numbers[key]) : '';
    userName.textContent = user?.name || user?.email || 'Profile';
    const sorted = [...tags.values()].sort((a, b) => a.name.localeCompare(b.name));
    const signature = sorted.map((t) => `${t.id}:${t.name}:${t.color}`).join('|');
    if (signature !== tagSignature) {
      tagSignature = signature;
      replace(tagList, sorted.length ? sorted.map((tag) => h('li', {},
        h('a', { href: `/all?tag=${encodeURIComponent(tag.name)}`, class: 'nav-link nav-tag', dataset: { tag: tag.name } },
          h('span', { class: 'dot', style: { '--tag': tag.color } }), h('span', { class: 'nav-text' }, tag.name))))
        : h('li', { class: 'nav-empty' }, 'Tags you add (#name) show here'));
    }
    markCurrent();
  }

  function renderPlaces(projects, archivedProjects, filters, open) {
    const link = (href, row, count) => h('li', {},
      h('a', { href, class: 'nav-link nav-tag', dataset: { path: href } },
        h('span', { class: 'dot', style: { '--tag': row.color } }), h('span', { class: 'nav-text' }, row.name),
        count != null && h('span', { class: 'count' }, count ? String(count) : '')));
    replace(projectList, projects.map((p) => dropInto(link(`/projects/${p.id}`, p, open.get(p.id) || 0), p)));
    archived.hidden = !archivedProjects.length;
    archivedCount.textContent = String(archivedProjects.length);
    replace(archivedList, archivedProjects.map((p) => link(`/projects/${p.id}`, p, null)));
    replace(filterList, filters.length ? filters.map((f) => link(`/filters/${f.id}`, f, filterCounts.get(f.id) ?? null))
      : h('li', { class: 'nav-empty' }, 'Filters you save show here'));
    markCurrent();
  }

  /** A task dragged from a project page onto a project in the sidebar moves there (no section). */
  function dropInto(item, project) {
    item.addEventListener('dragover', (event) => {
      if (!event.dataTransfer.types.includes('text/plain')) return;
      event.preventDefault();
      item.classList.add('drop-target');
    });
    item.addEventListener('dragleave', () => item.classList.remove('drop-target'));
    item.addEventListener('drop', (event) => {
      event.preventDefault();
      item.classList.remove('drop-target');
      const task = store.state.tasks.get(event.dataTransfer.getData('text/plain'));
      if (task && task.project_id !== project.id) moveToProject(task, project);
    });
    return item;
  }

  function markCurrent() {
    const here = router.path().slice(1);
    const tag = router.params().get('tag');
    for (const link of sidebar.querySelectorAll('a.nav-link')) {
      const current = link.dataset.path ? link.dataset.path === router.path()
        : link.dataset.tag ? here === 'all' && tag?.toLowerCase() === link.dataset.tag.toLowerCase()
          : link.dataset.view === here && !(here === 'all' && tag);
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  const unsubscribe = store.subscribe(update);
  update();

  return {
    page,
    /** Called on every route: which page shows, whether quick add belongs there. */
    showing({ listPath, withQuickAdd, target = null }) {
      if (listPath) lastList = listPath;
      quick.form.hidden = !withQuickAdd;
      quick.target = target; // the project a quick-added task goes to (issue 16)
      if (router.path() !== '/search' && document.activeElement !== search) search.value = '';
      if (router.path() === '/search' && document.activeElement !== search) search.value = router.params().get('q') || '';
      markCurrent();
    },
    focusQuickAdd: () => {
      if (quick.form.hidden) router.navigate(lastList, { focus: false });
      quick.focus();
    },
    focusSearch: () => search.focus(),
    destroy: unsubscribe,
  };
}
