// Task commands: optimistic complete/reopen with rollback, saves and deletes that can be undone, following a series.
import { api } from './api.js';
import * as store from './store.js';
import { announce, toast, fail } from './announce.js';
import { label } from './dates.js';

const zone = () => store.state.user?.timezone || 'UTC';

/** Mark done at once; the API confirms, or the task comes back with a message. */
export async function complete(taskId) {
  const before = store.state.tasks.get(taskId);
  if (!before || before.status === 'completed') return;
  const at = new Date().toISOString();
  const cascade = store.descendantsOf(taskId).filter((t) => t.status !== 'completed'); // the server completes them too
  for (const task of [before, ...cascade]) store.state.busy.add(task.id);
  store.putTasks([before, ...cascade].map((task) => ({ ...task, status: 'completed', completed_at: at })));
  announce(`Completed “${before.title}”${cascade.length ? ` and ${cascade.length} ${cascade.length === 1 ? 'subtask' : 'subtasks'}` : ''}`);
  const undo = { label: 'Undo', run: () => reopen(taskId) };
  toast(`Completed “${before.title}”`, { action: undo });
  try {
    const done = await api.completeTask(taskId);
    store.putTasks([done]);
    if (done.recurrence) followSeries(done);
  } catch (error) {
    store.putTasks([before, ...cascade]);
    fail(error, `Could not complete “${before.title}”`);
    announce(`Could not complete “${before.title}”`);
  } finally {
    for (const task of [before, ...cascade]) store.state.busy.delete(task.id);
  }
}

export async function reopen(taskId) {
  const before = store.state.tasks.get(taskId);
  if (!before || before.status !== 'completed') return;
  store.state.busy.add(taskId);
  store.putTasks([{ ...before, status: 'pending', completed_at: null }]);
  announce(`Reopened “${before.title}”`);
  try {
    const reopened = await api.reopenTask(taskId);
    store.putTasks([reopened]);
    refreshAncestors(reopened).catch(() => {});
    if (reopened.subtask_count) refreshSubtasks(taskId).catch(() => {}); // the server reopened those the completion closed; sync catches up otherwise
  } catch (error) {
    store.putTasks([before]);
    fail(error, `Could not reopen “${before.title}”`);
  } finally {
    store.state.busy.delete(taskId);
  }
}

/** The next occurrence is created asynchronously (within ~1 s): ask the series briefly. */
export async function followSeries(task, { tries = 20, everyMs = 200 } = {}) {
  for (let i = 0; i < tries; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    let items;
    try {
      ({ items } = await api.series(task.id, task.occurrence));
    } catch {
      return;
    }
    const next = items.find((t) => t.status !== 'completed');
    if (next) {
      store.putTasks([next]);
      const when = next.due_date ? label(next.due_date, zone(), next.all_day) : 'no date';
      toast(`Next “${next.title}”: ${when}`);
      announce(`Next occurrence of “${next.title}” is ${when}`);
      return;
    }
    if (items.length > 0) return; // every later occurrence is done already
  }
}

const UNDO_MS = 6000; // how long the Undo of a save or a delete is offered

/** PATCH `changes`; the toast's Undo sends the fields' earlier values back. Raises ApiError. */
export async function save(taskId, changes, { undoable = true } = {}) {
  const before = store.state.tasks.get(taskId);
  const task = await api.updateTask(taskId, changes);
  store.putTasks([task]);
  noteFrom(task);
  if (undoable && before) {
    const restore = { label: 'Undo', run: () => undoSave(taskId, earlier(before, changes)) };
    toast(`Saved “${task.title}”`, { action: restore, timeout: UNDO_MS });
  }
  return task;
}

async function undoSave(taskId, changes) {
  try {
    const task = await save(taskId, changes, { undoable: false });
    announce(`Restored “${task.title}”`);
  } catch (error) {
    fail(error, 'Could not undo the change');
  }
}

/** The values `task` had for the fields in `changes`, in the shape PATCH takes. */
function earlier(task, changes) {
  const was = {
    ...task,
    tags: task.tags.map((t) => t.name),
    recurrence: task.recurrence && { rule: task.recurrence.rule, anchor: task.recurrence.anchor },
    reminders: task.reminders.map((r) => (r.minutes_before != null ? { minutes_before: r.minutes_before } : { at: r.at })),
  };
  return Object.fromEntries(Object.keys(changes).map((key) => [key, was[key] ?? null]));
}

export async function create(body) {
  const task = await api.createTask(body);
  store.putTasks([task]);
  noteFrom(task);
  refreshAncestors(task).catch(() => {});
  return task;
}

/** Ask again for the completed tasks above `task`: an open subtask reopens them on the server,
 * so it shows under its parent rather than alone at the top level (sync catches up otherwise). */
async function refreshAncestors(task) {
  for (let up = store.state.tasks.get(task.parent_id); up?.status === 'completed'; up = store.state.tasks.get(up.parent_id)) {
    store.putTasks([await api.getTask(up.id)], { fromSync: true });
  }
}

const pendingDeletes = new Map(); // task id → send the DELETE now

/** Take the task and its subtasks (the server deletes them with it) out of the lists at once;
 * the DELETE goes when the Undo offer ends (or the page is left). */
export function remove(taskId) {
  const before = store.state.tasks.get(taskId);
  if (!before) return;
  const gone = [before, ...store.descendantsOf(taskId)];
  for (const task of gone) {
    store.state.busy.add(task.id); // sync leaves them out meanwhile
    store.removeTask(task.id);
  }
  const letGo = () => { for (const task of gone) store.state.busy.delete(task.id); };
  announce(`Deleted “${before.title}”`);
  const send = async () => {
    clearTimeout(timer);
    pendingDeletes.delete(taskId);
    try {
      await api.deleteTask(taskId);
    } catch (error) {
      if (error.status === 401) return; // signed out meanwhile: nothing to put back
      store.putTasks(gone);
      fail(error, 'Could not delete the task');
    } finally {
      letGo();
    }
  };
  const undo = () => {
    if (!pendingDeletes.has(taskId)) return; // the DELETE went already
    clearTimeout(timer);
    pendingDeletes.delete(taskId);
    letGo();
    store.putTasks(gone);
    announce(`Restored “${before.title}”`);
  };
  const timer = setTimeout(send, UNDO_MS);
  pendingDeletes.set(taskId, send);
  toast(`Deleted “${before.title}”`, { action: { label: 'Undo', run: undo }, timeout: UNDO_MS });
}

/** Send every delete still waiting for its Undo to run out (before signing out or leaving). */
export function flushDeletes() {
  for (const send of [...pendingDeletes.values()]) send();
}
addEventListener('pagehide', flushDeletes);

export async function skip(taskId) {
  const task = await api.skipTask(taskId);
  store.putTasks([task]);
  announce(`Skipped “${task.title}”`);
  followSeries(task);
  return task;
}

function noteFrom(task) {
  for (const note of task.notes || []) toast(note, { timeout: 7000 });
}

// subtasks and manual order (issue 16)
/** Load the subtasks of `taskId` (every status, every depth) from the API into the store. */
async function refreshSubtasks(taskId) {
  const { items } = await api.listTasks({ parent_id: taskId, limit: 200 });
  store.putTasks(items, { fromSync: true });
  await Promise.all(items.filter((t) => t.subtask_count).map((t) => refreshSubtasks(t.id)));
}

/**
 * POST /move `body` ({project_id?, section_id?, parent_id?, after_id?|before_id?}), showing the task
 * with `guess` (the fields it should get) at once; resolves the moved task, or null after putting
 * it back with an error toast.
 */
export async function move(taskId, body, guess) {
  const before = store.state.tasks.get(taskId);
  if (!before) return null;
  store.state.busy.add(taskId);
  store.putTasks([{ ...before, ...guess }]);
  try {
    const moved = await api.moveTask(taskId, body);
    store.putTasks([moved]);
    if (moved.status !== 'completed') refreshAncestors(moved).catch(() => {});
    return moved;
  } catch (error) {
    store.putTasks([before]);
    fail(error, `Could not move “${before.title}”`);
    announce(`Could not move “${before.title}”`);
    return null;
  } finally {
    store.state.busy.delete(taskId);
  }
}
