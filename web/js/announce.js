// Feedback: polite screen-reader announcements and short toasts with an optional action (Undo).
import { h } from './dom.js';

export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A fresh text node after a tick makes screen readers read repeated messages too.
  setTimeout(() => { region.textContent = message; }, 30);
}

/** toast('Task completed', {action: {label: 'Undo', run}, tone: 'error'}) */
export function toast(message, { action, tone = 'info', timeout = 5000 } = {}) {
  const host = document.getElementById('toasts');
  const close = () => {
    item.classList.add('leaving');
    setTimeout(() => item.remove(), 160);
  };
  const item = h('div', { class: `toast toast-${tone}`, role: tone === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-text' }, message),
    action && h('button', {
      type: 'button', class: 'toast-action',
      onclick: () => { close(); action.run(); },
    }, action.label),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: close }, '×'));
  host.append(item);
  while (host.children.length > 3) host.firstElementChild.remove();
  if (timeout) setTimeout(close, timeout);
  return close;
}

export function fail(error, what) {
  const message = error?.message || 'Something went wrong';
  toast(what ? `${what}: ${message}` : message, { tone: 'error', timeout: 8000 });
}
