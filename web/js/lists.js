// Task lists: what each view shows, the filters on top, sort orders and day groups.
import { wall, today, addDays, relativeDay, dayName, isLate } from './dates.js';

const isOpen = (task) => task.status !== 'completed';
const dueDay = (task, zone) => (task.due_date ? wall(task.due_date, zone).date : null);
const isOverdue = (task, zone) => task.due_date && isOpen(task) && isLate(task.due_date, zone, task.all_day);

export const VIEWS = {
  today: {
    title: 'Today', icon: 'today', sort: 'due',
    match: (task, zone) => task.due_date && dueDay(task, zone) <= today(zone),
    empty: ['All clear for today', 'Enjoy it — or plan ahead with something like “Call mom tomorrow at 6pm”.'],
  },
  upcoming: {
    title: 'Upcoming', icon: 'upcoming', sort: 'due',
    match: (task, zone) => task.due_date && dueDay(task, zone) > today(zone),
    empty: ['Nothing coming up', 'Tasks with a future due date show here, grouped by day.'],
  },
  overdue: {
    title: 'Overdue', icon: 'overdue', sort: 'due',
    match: (task, zone) => isOverdue(task, zone),
    empty: ['Nothing overdue', 'You are on top of things.'],
  },
  nodate: {
    title: 'No date', icon: 'nodate', sort: 'created',
    match: (task) => !task.due_date,
    empty: ['No undated tasks', 'Tasks without a due date collect here.'],
  },
  all: {
    title: 'All tasks', icon: 'all', sort: 'due',
    match: () => true,
    empty: ['No tasks yet', 'Type a task above, e.g. “Pay rent every month on the 1st at 9am #home !high”.'],
  },
  completed: {
    title: 'Completed', icon: 'completed', sort: 'completed', status: 'completed',
    match: () => true,
    empty: ['Nothing completed yet', 'Tick a task off and it lands here.'],
  },
};

export const STATUSES = [
  ['open', 'Open'], ['pending', 'Pending'], ['in_progress', 'In progress'], ['completed', 'Completed'], ['any', 'Any status'],
];
export const PRIORITIES = [['urgent', 'Urgent'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']];
export const SORTS = [
  ['due', 'Due date'], ['priority', 'Priority'], ['created', 'Newest'], ['updated', 'Last changed'],
  ['title', 'Title'], ['completed', 'Completed'],
];
const RANK = { urgent: 0, high: 1, medium: 2, low: 3 };

function statusMatches(task, status) {
  if (status === 'any') return true;
  if (status === 'open') return isOpen(task);
  return task.status === status;
}

/** The tasks of a view after the filters {status, priority, tag}. */
export function select(tasks, viewKey, filters, zone) {
  const view = VIEWS[viewKey] || VIEWS.all;
  const status = filters.status || view.status || 'open';
  const tag = filters.tag?.toLowerCase();
  return tasks.filter((task) => view.match(task, zone)
    && statusMatches(task, status)
    && (!filters.priority || task.priority === filters.priority)
    && (!tag || task.tags.some((t) => t.name.toLowerCase() === tag)));
}

const byText = (a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true });
const COMPARE = {
  due: (a, b) => (a.due_date ? (b.due_date ? Date.parse(a.due_date) - Date.parse(b.due_date) : -1) : (b.due_date ? 1 : 0))
    || RANK[a.priority] - RANK[b.priority],
  priority: (a, b) => RANK[a.priority] - RANK[b.priority] || COMPARE.due(a, b),
  created: (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at),
  updated: (a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at),
  title: (a, b) => byText(a.title, b.title),
  completed: (a, b) => Date.parse(b.completed_at || b.updated_at) - Date.parse(a.completed_at || a.updated_at),
};

export function sortTasks(tasks, sort) {
  const compare = COMPARE[sort] || COMPARE.due;
  return [...tasks].sort((a, b) => compare(a, b) || byText(a.id, b.id));
}

/** [{key, title, tasks}] sections: overdue/today for Today, one per day for Upcoming, else one. */
export function group(tasks, viewKey, sort, zone) {
  if (sort !== 'due' || !['today', 'upcoming', 'all'].includes(viewKey)) return [{ key: 'all', title: null, tasks }];
  const now = today(zone);
  const sections = new Map();
  for (const task of tasks) {
    const day = dueDay(task, zone);
    let key;
    let title;
    if (!day) [key, title] = ['none', 'No date'];
    else if (day < now) [key, title] = ['overdue', 'Overdue'];
    else if (viewKey === 'upcoming' || day <= addDays(now, 1)) [key, title] = [day, dayHeading(day, zone)];
    else [key, title] = ['later', 'Later'];
    if (!sections.has(key)) sections.set(key, { key, title, tasks: [] });
    sections.get(key).tasks.push(task);
  }
  return [...sections.values()];
}

function dayHeading(day, zone) {
  const relative = relativeDay(day, zone);
  const name = dayName(day, zone);
  return relative === name ? name : `${relative} · ${name}`;
}

/** Open-task counts for the sidebar. */
export function counts(tasks, zone) {
  const result = { today: 0, overdue: 0, upcoming: 0, nodate: 0, all: 0 };
  for (const task of tasks) {
    if (!isOpen(task)) continue;
    result.all += 1;
    for (const key of ['today', 'overdue', 'upcoming', 'nodate']) if (VIEWS[key].match(task, zone)) result[key] += 1;
  }
  return result;
}

// subtasks and manual order (issue 16)
/** Manual order: by position, then oldest first. */
export const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || Date.parse(a.created_at) - Date.parse(b.created_at);

/** Map parent id → its subtasks among `tasks`, by position. */
export function childrenIndex(tasks) {
  const index = new Map();
  for (const task of tasks) {
    if (!task.parent_id) continue;
    if (!index.has(task.parent_id)) index.set(task.parent_id, []);
    index.get(task.parent_id).push(task);
  }
  for (const list of index.values()) list.sort(byPosition);
  return index;
}

/** {done, total} of the subtasks (one level) of `taskId` in `index` (from childrenIndex). */
export function progress(taskId, index) {
  const below = index.get(taskId) || [];
  return { done: below.filter((t) => t.status === 'completed').length, total: below.length };
}

/**
 * `roots` in their order, each followed by its subtasks from `index` (depth first, unless
 * `collapsed(id)`): [{task, depth}].
 */
export function nest(roots, index, collapsed = () => false, depth = 0, out = []) {
  for (const task of roots) {
    out.push({ task, depth });
    if (!collapsed(task.id)) nest(index.get(task.id) || [], index, collapsed, depth + 1, out);
  }
  return out;
}

/** A list's `tasks` (in their order) with each subtask under its parent when both are listed: [{task, depth}]. */
export function nestListed(tasks, collapsed) {
  const ids = new Set(tasks.map((t) => t.id));
  const index = childrenIndex(tasks.filter((t) => ids.has(t.parent_id)));
  return nest(tasks.filter((t) => !ids.has(t.parent_id)), index, collapsed);
}
