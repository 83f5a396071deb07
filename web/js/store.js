// App state (user, tasks, tags, projects, sections, saved filters) with change notifications batched into one per tick.

export const state = {
  user: null,
  tasks: new Map(), // id → TaskPublic
  tags: new Map(), // id → TagPublic
  // projects, sections and saved filters (issue 16)
  projects: new Map(), // id → ProjectPublic
  sections: new Map(), // id → SectionPublic
  filters: new Map(), // id → FilterPublic
  loaded: false,
  cursor: null,
  busy: new Set(), // task ids with a request in flight: sync leaves them alone meanwhile
};

const listeners = new Set();
let scheduled = false;

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function changed() {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    for (const listener of [...listeners]) listener(state);
  });
}

export function setUser(user) {
  state.user = user;
  changed();
}

export function putTasks(tasks, { fromSync = false } = {}) {
  for (const task of tasks) {
    if (fromSync && state.busy.has(task.id)) continue;
    state.tasks.set(task.id, task);
  }
  if (tasks.length) changed();
}

export function removeTask(taskId) {
  if (state.tasks.delete(taskId)) changed();
}

export function putTags(tags) {
  for (const tag of tags) {
    state.tags.set(tag.id, tag);
    for (const task of state.tasks.values()) {
      if (task.tags.some((t) => t.id === tag.id)) {
        task.tags = task.tags.map((t) => (t.id === tag.id ? tag : t));
      }
    }
  }
  if (tags.length) changed();
}

export function removeTag(tagId) {
  state.tags.delete(tagId);
  for (const task of state.tasks.values()) task.tags = task.tags.filter((t) => t.id !== tagId);
  changed();
}

export function tagByName(name) {
  const key = name.toLowerCase();
  for (const tag of state.tags.values()) if (tag.name.toLowerCase() === key) return tag;
  return null;
}

// projects, sections and saved filters (issue 16)
const byPosition = (a, b) => a.position - b.position || a.name.localeCompare(b.name);

/** Put rows (ProjectPublic, SectionPublic or FilterPublic) into `kind` ('projects' | 'sections' | 'filters'). */
export function putRows(kind, rows) {
  for (const row of rows) state[kind].set(row.id, { ...state[kind].get(row.id), ...row });
  if (rows.length) changed();
}

/** Forget the row `id` of `kind`; a project takes its sections along. */
export function removeRow(kind, id) {
  if (!state[kind].delete(id)) return;
  if (kind === 'projects') for (const s of [...state.sections.values()]) if (s.project_id === id) state.sections.delete(s.id);
  changed();
}

/** Projects in sidebar order: the Inbox first, then by position; archived ones only when asked. */
export function projects({ archived = false } = {}) {
  return [...state.projects.values()]
    .filter((p) => p.archived === archived)
    .sort((a, b) => Number(b.inbox) - Number(a.inbox) || byPosition(a, b));
}

export function inbox() {
  return [...state.projects.values()].find((p) => p.inbox) || null;
}

/** A project's sections by position. */
export function sectionsOf(projectId) {
  return [...state.sections.values()].filter((s) => s.project_id === projectId).sort(byPosition);
}

export function savedFilters() {
  return [...state.filters.values()].sort(byPosition);
}

/** False for a task of an archived project: lists hide those (search still finds them). */
export function shown(task) {
  return !state.projects.get(task.project_id)?.archived;
}

// subtasks and manual order (issue 16)
const COLLAPSED_KEY = 'taskai.collapsed'; // the parents whose subtasks are folded, remembered per browser
const folded = new Set(readFolded());

function readFolded() {
  try {
    return JSON.parse(localStorage.getItem(COLLAPSED_KEY)) || [];
  } catch {
    return [];
  }
}

/** True when the subtasks of task `taskId` are folded away. */
export function isCollapsed(taskId) {
  return folded.has(taskId);
}

/** Fold (true) or unfold the subtasks of task `taskId`; remembered in localStorage. */
export function setCollapsed(taskId, collapsed) {
  if (collapsed === folded.has(taskId)) return;
  if (collapsed) folded.add(taskId);
  else folded.delete(taskId);
  try {
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...folded]));
  } catch {
    // storage full or disabled: the fold lasts for this page only
  }
  changed();
}

/** Every task under `taskId` (subtasks, theirs, …), in no particular order. */
export function descendantsOf(taskId) {
  const below = [];
  const walk = (id) => {
    for (const task of state.tasks.values()) {
      if (task.parent_id === id) {
        below.push(task);
        walk(task.id);
      }
    }
  };
  walk(taskId);
  return below;
}

/** True when task `taskId` is `ancestorId` or lies under it. */
export function isWithin(taskId, ancestorId) {
  for (let id = taskId, hops = 0; id && hops < 10; id = state.tasks.get(id)?.parent_id, hops += 1) {
    if (id === ancestorId) return true;
  }
  return false;
}

export function reset() {
  state.user = null;
  state.tasks.clear();
  state.tags.clear();
  state.projects.clear();
  state.sections.clear();
  state.filters.clear();
  state.loaded = false;
  state.cursor = null;
  state.busy.clear();
  changed();
}
