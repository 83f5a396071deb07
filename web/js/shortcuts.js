// Keyboard shortcuts: q quick add, / search, j/k or arrows move, x complete, e edit, m move to…, g+key go, ? help;
// in a project, Alt+arrows reorder, indent and outdent the focused task.
import { isTyping } from './dom.js';
import * as router from './router.js';
import { shortcutsDialog } from './components/dialog.js';

const GO = { t: '/today', u: '/upcoming', o: '/overdue', n: '/nodate', a: '/all', c: '/completed' };
const REORDER = { ArrowUp: 'up', ArrowDown: 'down', ArrowRight: 'in', ArrowLeft: 'out' }; // with Alt (issue 16)

/** `app` gives: focusQuickAdd(), focusSearch(), list() → {toggle(id), edit(id), move(id), reorder?(id, direction)} | null. */
export function installShortcuts(app) {
  let pendingG = 0;
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    if (document.querySelector('dialog[open]') || isTyping(event.target) || !app.signedIn()) return;
    if (event.altKey) {
      if (reorder(event)) event.preventDefault(); // also keeps Alt+← from going back a page
      return;
    }
    const key = event.key;
    if (pendingG && Date.now() - pendingG < 1200 && GO[key]) {
      pendingG = 0;
      router.navigate(GO[key]);
      event.preventDefault();
      return;
    }
    pendingG = 0;
    const handled = run(key, event);
    if (handled) event.preventDefault();
  });

  function run(key, event) {
    const list = app.list();
    const row = event.target.closest?.('.task');
    switch (key) {
      case 'q': app.focusQuickAdd(); return true;
      case '/': app.focusSearch(); return true;
      case '?': shortcutsDialog(); return true;
      case 'g': pendingG = Date.now(); return true;
      case 'j': case 'ArrowDown': return list ? move(1) : false;
      case 'k': case 'ArrowUp': return list ? move(-1) : false;
      case 'x': return Boolean(list && current() && (moveAfterComplete(), true));
      case 'e': return Boolean(list && current() && (list.edit(current().dataset.id), true));
      case 'm': return Boolean(list?.move && current() && (list.move(current().dataset.id), true));
      case 'Enter': return Boolean(list && row && event.target === row && (list.edit(row.dataset.id), true));
      default: return false;
    }

    function moveAfterComplete() {
      const target = current();
      const rows = allRows();
      const next = rows[rows.indexOf(target) + 1] || rows[rows.indexOf(target) - 1];
      list.toggle(target.dataset.id);
      if (next) focusRow(next); // the completed task lingers briefly, then leaves
    }
  }

  /** Alt+↑/↓ moves the focused task among its siblings, Alt+→ under the one above, Alt+← out of its parent. */
  function reorder(event) {
    const row = event.target.closest?.('.task');
    const list = app.list();
    if (!REORDER[event.key] || !row || !list?.reorder) return false;
    list.reorder(row.dataset.id, REORDER[event.key]);
    return true;
  }

  function allRows() {
    return [...document.querySelectorAll('#main .task:not(.skeleton-row)')];
  }

  function current() {
    const active = document.activeElement?.closest?.('.task');
    return active && !active.classList.contains('skeleton-row') ? active : allRows().find((r) => r.tabIndex === 0) || null;
  }

  function focusRow(row) {
    for (const r of allRows()) r.tabIndex = -1;
    row.tabIndex = 0;
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  }

  function move(step) {
    const rows = allRows();
    if (!rows.length) return false;
    const here = rows.indexOf(document.activeElement?.closest?.('.task'));
    const next = here < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, here + step));
    focusRow(rows[next]);
    return true;
  }
}
