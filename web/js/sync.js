// Keeps the store live while the page is visible: the live stream (/api/stream, Server-Sent
// Events of sync pages) when the server allows one, else /api/sync every few seconds, trying the
// stream again later with backoff.
import { api } from './api.js';
import * as session from './session.js';
import { createParser } from './sse.js';
import * as store from './store.js';

const PERIOD_MS = 2500;
const RETRY_MS = [2000, 5000, 15000, 30000, 60000]; // before trying the stream again
let timer = 0;
let retryTimer = 0;
let running = false;
let inflight = null;
let streaming = null; // the AbortController of the open stream
let failures = 0;

/** Load everything (cursor from the start), then follow the stream (or poll) while visible. */
export async function start() {
  running = true;
  failures = 0;
  document.addEventListener('visibilitychange', onVisibility);
  try {
    await now();
  } finally {
    follow(); // a failed first load is retried by the polling
  }
}

export function stop() {
  running = false;
  pause();
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
    more = apply(page);
  }
  if (running && !store.state.loaded) {
    store.state.loaded = true;
    store.changed();
  }
}

const ROWS = { project: 'projects', section: 'sections', filter: 'filters' }; // deletion type → store kind

/** Put a sync page into the store and move the cursor on; returns whether more pages follow. */
function apply(page) {
  const { tasks, tags, deleted, projects = [], sections = [], filters = [] } = page;
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
  // The cursor is opaque (it may point inside one large commit): keep the last page's. A pull
  // answered after a newer stream page moves it back: those changes come again, newest last.
  store.state.cursor = page.cursor;
  return page.has_more;
}

/** Follow the stream; on refusal or failure poll instead, and try the stream again later. */
function follow() {
  if (!running || document.visibilityState !== 'visible' || streaming) return;
  clearTimeout(retryTimer);
  const controller = new AbortController();
  streaming = controller;
  listen(controller.signal).then(() => ended(controller), (error) => ended(controller, error));
}

/** After a stream: reconnect at once when its lifetime ended it, else poll and retry later. */
function ended(controller, error) {
  if (streaming === controller) streaming = null;
  if (controller.signal.aborted || !running) return;
  if (!error) {
    failures = 0;
    follow();
    return;
  }
  failures += 1;
  if (error.status === 401) {
    now().catch(() => {}); // the API client signs out
    return;
  }
  poll();
  const wait = error.retryAfter || RETRY_MS[Math.min(failures, RETRY_MS.length) - 1];
  retryTimer = setTimeout(follow, wait);
}

/** Read the stream until it ends; throws (with `status`, `retryAfter` ms) when refused or cut. */
async function listen(signal) {
  const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${session.token()}` };
  if (store.state.cursor) headers['Last-Event-ID'] = store.state.cursor;
  const response = await fetch('/api/stream', { headers, signal, cache: 'no-store' });
  if (response.status !== 200 || !response.body) {
    const error = new Error(`stream refused (${response.status})`);
    error.status = response.status;
    error.retryAfter = Number(response.headers.get('Retry-After')) * 1000 || 0;
    throw error;
  }
  clearTimeout(timer); // the stream delivers now: no polling
  const parser = createParser(({ type, data }) => {
    if (type === 'sync' && running) apply(JSON.parse(data));
    if (running && !store.state.loaded) {
      store.state.loaded = true;
      store.changed();
    }
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let received = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done && received) return;
    if (done) throw new Error('the stream ended before its first message'); // no tight loop
    received = true;
    parser.feed(value);
  }
}

function poll() {
  clearTimeout(timer);
  if (!running || document.visibilityState !== 'visible' || streaming) return;
  timer = setTimeout(async () => {
    try {
      await now();
    } catch (error) {
      if (error.status === 401) return; // the app signs out
    }
    poll();
  }, PERIOD_MS);
}

function pause() {
  clearTimeout(timer);
  clearTimeout(retryTimer);
  streaming?.abort();
  streaming = null;
}

function onVisibility() {
  if (document.visibilityState !== 'visible') {
    pause();
    return;
  }
  now().catch(() => {}).finally(follow);
}
