// API field errors ({"title": "…", "reminders.0.at": "…"}) shown beside the matching field, in plain words.
import { readable } from '../messages.js';

/** Clear every error message inside `root`. */
export function clearErrors(root) {
  for (const el of root.querySelectorAll('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Put each message beside the [data-field] element whose name is the longest prefix of its key
 * ("reminders.0.at" → data-field="reminders.0" or "reminders"); the rest go to `general`.
 * `describe(key)` may turn a key into words ("Reminder 1"). Returns the first field shown.
 */
export function showErrors(root, error, general, describe = () => '') {
  clearErrors(root);
  const slots = [...root.querySelectorAll('[data-field]')];
  const leftovers = [];
  let first = null;
  for (const [key, raw] of Object.entries(error.fields || {})) {
    const message = readable(key, raw);
    const slot = slots
      .filter((el) => key === el.dataset.field || key.startsWith(`${el.dataset.field}.`))
      .sort((a, b) => b.dataset.field.length - a.dataset.field.length)[0];
    if (!slot) {
      leftovers.push(message);
      continue;
    }
    const target = slot.querySelector(':scope > .field-error') || slot.querySelector('.field-error');
    const prefix = describe(key);
    const text = `${prefix ? `${prefix}: ` : ''}${message}`;
    target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
    target.hidden = false;
    const control = slot.querySelector('input, textarea, select');
    control?.setAttribute('aria-invalid', 'true');
    first ||= control;
  }
  if (general) {
    const summary = leftovers.length ? leftovers.join(' ') : (first ? '' : error.message);
    general.textContent = summary || (first ? 'Please check the highlighted fields.' : '');
    general.hidden = !general.textContent;
  }
  first?.focus();
  return first;
}
