// Modal dialogs on the native <dialog>: focus is trapped and restored; Escape closes.
import { h } from '../dom.js';

/** Open a modal; returns {dialog, close}. `onClose` runs once when it closes for any reason. */
export function modal({ title, body, footer, className = '', onClose, label }) {
  const opener = document.activeElement;
  const openerTask = opener?.closest?.('.task')?.dataset.id; // a list re-rendered meanwhile has a new row for it
  const headingId = `dlg-${Math.random().toString(36).slice(2, 8)}`;
  const dialog = h('dialog', { class: `modal ${className}`, 'aria-labelledby': label ? null : headingId, 'aria-label': label },
    h('div', { class: 'modal-head' },
      h('h2', { id: headingId, class: 'modal-title' }, title),
      h('button', { type: 'button', class: 'icon-btn modal-x', 'aria-label': 'Close', onclick: () => close() }, '×')),
    h('div', { class: 'modal-body' }, body),
    footer && h('div', { class: 'modal-foot' }, footer));
  let closed = false;
  function close(result) {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    onClose?.(result);
    if (opener?.isConnected) opener.focus();
    else if (openerTask) document.querySelector(`#main .task[data-id="${CSS.escape(openerTask)}"]`)?.focus();
  }
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) close(); // a click on the backdrop
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** A yes/no question in the page (never window.confirm); resolves true or false. */
export function confirmDialog(question, { confirm = 'Delete', detail } = {}) {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'btn btn-danger', onclick: () => done(true) }, confirm);
    const no = h('button', { type: 'button', class: 'btn', onclick: () => done(false) }, 'Cancel');
    const { close } = modal({
      title: question, className: 'modal-small', body: detail ? h('p', {}, detail) : null,
      footer: [no, yes], onClose: (value) => resolve(Boolean(value)),
    });
    const done = (value) => close(value);
    no.focus();
  });
}

export const SHORTCUTS = [
  ['q', 'Quick add a task'], ['/', 'Search'], ['j or ↓', 'Next task'], ['k or ↑', 'Previous task'],
  ['x', 'Complete or reopen the selected task'], ['e or Enter', 'Edit the selected task'],
  ['m', 'Move the selected task to a project, section or parent'],
  ['Alt + ↑ / ↓ / → / ←', 'In a project: move it up, down, under the task above, out of its parent'],
  ['g then t / u / o / n / a / c', 'Go to Today, Upcoming, Overdue, No date, All, Completed'],
  ['Esc', 'Close a dialog or leave a field'], ['?', 'Show this list'],
];
const JOINERS = new Set(['or', 'then', '/', '+']);

export function shortcutsDialog() {
  const keys = (text) => text.split(' ').map((token) => (JOINERS.has(token) ? ` ${token} ` : h('kbd', {}, token)));
  const rows = SHORTCUTS.map(([combo, what]) => h('tr', {}, h('td', {}, keys(combo)), h('td', {}, what)));
  return modal({
    title: 'Keyboard shortcuts', className: 'modal-small modal-shortcuts',
    body: h('table', { class: 'shortcuts' }, h('caption', { class: 'visually-hidden' }, 'Keyboard shortcuts'), h('tbody', {}, rows)),
  });
}
