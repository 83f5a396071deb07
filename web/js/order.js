// Manual order (issue 16): a task moved before, after or under another, by a drop or the keyboard;
// each move is one POST /move, shown at once (actions.move puts it back if the server refuses).
import * as store from './store.js';
import * as actions from './actions.js';
import { announce } from './announce.js';
import { byPosition } from './lists.js';

async function moveTask(task, body, guess, message) {
  if (await actions.move(task.id, body, guess)) announce(message);
}

/** Move `task` 'before' or 'after' `target` (among its siblings) or 'into' it (its last subtask). */
export function dropNext(task, target, spot) {
  if (task.id === target.id) return;
  if (spot === 'into') {
    const last = Math.max(0, ...store.descendantsOf(target.id).filter((t) => t.parent_id === target.id).map((t) => t.position));
    store.setCollapsed(target.id, false);
    moveTask(task, { parent_id: target.id }, { parent_id: target.id, section_id: target.section_id, position: last + 1 },
      `“${task.title}” is now a subtask of “${target.title}”`);
    return;
  }
  const after = spot === 'after';
  moveTask(task, { [after ? 'after_id' : 'before_id']: target.id },
    { parent_id: target.parent_id, section_id: target.section_id, position: target.position + (after ? 0.5 : -0.5) },
    `Moved “${task.title}” ${spot} “${target.title}”`);
}

/** Move `task` last into `section` (null: no section) of its project, at the top level, after `roots` (its top-level tasks). */
export function toSectionEnd(task, section, roots) {
  const sectionId = section?.id || null;
  const last = Math.max(0, ...roots.map((t) => t.position));
  moveTask(task, { section_id: sectionId, parent_id: null }, { section_id: sectionId, parent_id: null, position: last + 1 },
    `Moved “${task.title}” to ${section ? section.name : 'no section'}`);
}

/** The keyboard's moves (Alt+arrows): 'up' or 'down' among its open siblings, 'in' under the one above, 'out' of its parent. */
export function reorder(task, direction) {
  const siblings = [...store.state.tasks.values()].filter((t) => t.project_id === task.project_id && t.status !== 'completed'
    && (t.parent_id || null) === (task.parent_id || null) && (task.parent_id || (t.section_id || null) === (task.section_id || null)))
    .sort(byPosition);
  const here = siblings.findIndex((t) => t.id === task.id);
  const above = siblings[here - 1];
  const below = siblings[here + 1];
  const parent = task.parent_id && store.state.tasks.get(task.parent_id);
  if (direction === 'up' && above) dropNext(task, above, 'before');
  else if (direction === 'down' && below) dropNext(task, below, 'after');
  else if (direction === 'in' && above) dropNext(task, above, 'into');
  else if (direction === 'out' && parent) {
    moveTask(task, { after_id: parent.id }, { parent_id: parent.parent_id, section_id: parent.section_id, position: parent.position + 0.5 },
      `“${task.title}” moved out of “${parent.title}”`);
  } else {
    announce({ up: 'Already first', down: 'Already last', in: 'No task above to go under', out: 'Already at the top level' }[direction]);
  }
}

/** Where a drop on `row` goes: 'before' or 'after' it (top or bottom half), or 'into' it (right half, not on a board). */
export function spotOf(event, row, board) {
  const box = row.getBoundingClientRect();
  if (!board && event.clientX > box.left + box.width / 2) return 'into';
  return event.clientY < box.top + box.height / 2 ? 'before' : 'after';
}

/** Show where a drop on `row` would go (`spot`), or nothing (null). */
export function markDrop(row, spot) {
  for (const name of ['drop-before', 'drop-after', 'drop-into']) row.classList.toggle(name, spot === name.slice(5));
}
