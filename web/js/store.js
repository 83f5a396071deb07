// App state (user, tasks, tags, filters) with change notifications batched into one per tick.

export const state = {
  user: null,
  tasks: new Map(), // id → TaskPublic
  tags: new Map(), // id → TagPublic
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

export function reset() {
  state.user = null;
  state.tasks.clear();
  state.tags.clear();
  state.loaded = false;
  state.cursor = null;
  state.busy.clear();
  changed();
}
