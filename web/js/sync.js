// Keeps the store live: pulls /api/sync from the last cursor every few seconds while visible.
import { api } from './api.js';
import * as store from './store.js';

const PERIOD_MS = 2500;
let timer = 0;
let running = false;
let inflight = null;

/** Load everything (cursor from the start), then poll while the page is visible. */
export async function start() {
  running = true;
  document.addEventListener('visibilitychange', onVisibility);
  try {
    await now();
  } finally {
    schedule(); // a failed first load is retried by the polling
  }
}

export function stop() {
  running = false;
  clearTimeout(timer);
  document.removeEventListener('visibilitychange', onVisibility);
}

/** Pull changes now (shared with a pull already under way). */
export function now() {
  inflight ||= pull().finally(() => { inflight = null; });
  return inflight;
}

async function pull() {
  let more = true;
  while (more && running) {
    const page = await api.sync(store.state.cursor);
    if (!running) return;
    apply(page);
    store.state.cursor = page.cursor;
    more = page.has_more;
  }
  if (running && !store.state.loaded) {
    store.state.loaded = true;
    store.changed();
  }
}

const ROWS = { project: 'projects', section: 'sections', filter: 'filters' }; // deletion type → store kind

function apply({ tasks, tags, deleted, projects = [], sections = [], filters = [] }) {
  store.putTags(tags);
  store.putRows('projects', projects);
  store.putRows('sections', sections);
  store.putRows('filters', filters);
  store.putTasks(tasks, { fromSync: true });
  for (const { type, id } of deleted) {
    if (type === 'task') store.removeTask(id);
    else if (type === 'tag') store.removeTag(id);
    else if (ROWS[type]) store.removeRow(ROWS[type], id);
  }
}

function schedule() {
  clearTimeout(timer);
  if (!running || document.visibilityState !== 'visible') return;
  timer = setTimeout(async () => {
    try {
      await now();
    } catch (error) {
      if (error.status === 401) return; // the app signs out
    }
    schedule();
  }, PERIOD_MS);
}

function onVisibility() {
  if (document.visibilityState !== 'visible') {
    clearTimeout(timer);
    return;
  }
  now().catch(() => {}).finally(schedule);
}
