// A one-line form in place (add a task to a section, add or rename a section): Enter saves, Escape cancels.
import { h } from '../dom.js';
import { firstReadable } from '../messages.js';

/**
 * `onSubmit(text)` resolves when saved (true keeps the form open for the next one) or throws
 * ApiError, shown inline; `onCancel()` runs on Escape or Cancel; `maxLength` is the API's limit.
 */
export function inlineForm({ label, value = '', submit, onSubmit, onCancel, className = '', maxLength = 500 }) {
  const input = h('input', { type: 'text', value, maxlength: String(maxLength), autocomplete: 'off', 'aria-label': label });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: `inline-form ${className}`, novalidate: true },
    h('div', { class: 'inline-form-row' }, input,
      h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, submit),
      h('button', { type: 'button', class: 'btn btn-small btn-quiet', onclick: () => onCancel() }, 'Cancel')),
    error);
  const say = (message) => {
    error.textContent = message;
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      say(`${label} cannot be empty.`);
      input.focus();
      return;
    }
    form.setAttribute('aria-busy', 'true');
    try {
      const again = await onSubmit(text);
      say('');
      if (again) input.value = '';
    } catch (err) {
      say(firstReadable(err));
    } finally {
      form.removeAttribute('aria-busy');
      input.focus();
    }
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCancel();
    }
  });
  return { element: form, input };
}
