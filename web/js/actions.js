// Task commands: optimistic complete/reopen with rollback, saves, deletes, and following a series.
import { api } from './api.js';
import * as store from './store.js';
import { announce, toast, fail } from './announce.js';
import { label } from './dates.js';

const zone = () => store.state.user?.timezone || 'UTC';

/** Mark done at once; the API confirms, or the task comes back with a message. */
export async function complete(taskId) {
  const before = store.state.tasks.get(taskId);
  if (!before || before.status === 'completed') return;
  store.state.busy.add(taskId);
  store.putTasks([{ ...before, status: 'completed', completed_at: new Date().toISOString() }]);
  announce(`Completed “${before.title}”`);
  const undo = { label: 'Undo', run: () => reopen(taskId) };
  toast(`Completed “${before.title}”`, { action: undo });
  try {
    const done = await api.completeTask(taskId);
    store.putTasks([done]);
    if (done.recurrence) followSeries(done);
  } catch (error) {
    store.putTasks([before]);
    fail(error, `Could not complete “${before.title}”`);
    announce(`Could not complete “${before.title}”`);
  } finally {
    store.state.busy.delete(taskId);
  }
}

export async function reopen(taskId) {
  const before = store.state.tasks.get(taskId);
  if (!before || before.status !== 'completed') return;
  store.state.busy.add(taskId);
  store.putTasks([{ ...before, status: 'pending', completed_at: null }]);
  announce(`Reopened “${before.title}”`);
  try {
    store.putTasks([await api.reopenTask(taskId)]);
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
      const when = next.due_date ? label(next.due_date, zone()) : 'no date';
      toast(`Next “${next.title}”: ${when}`);
      announce(`Next occurrence of “${next.title}” is ${when}`);
      return;
    }
    if (items.length > 0) return; // every later occurrence is done already
  }
}

export async function save(taskId, changes) {
  const task = await api.updateTask(taskId, changes);
  store.putTasks([task]);
  noteFrom(task);
  return task;
}

export async function create(body) {
  const task = await api.createTask(body);
  store.putTasks([task]);
  noteFrom(task);
  return task;
}

export async function remove(taskId) {
  const before = store.state.tasks.get(taskId);
  store.state.busy.add(taskId);
  store.removeTask(taskId);
  try {
    await api.deleteTask(taskId);
    announce(`Deleted “${before?.title}”`);
    toast(`Deleted “${before?.title}”`);
  } catch (error) {
    if (before) store.putTasks([before]);
    fail(error, 'Could not delete the task');
  } finally {
    store.state.busy.delete(taskId);
  }
}

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
