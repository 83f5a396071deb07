// The filter box above a task list: a query of the filter language, its error inline, "Save as filter".
import { h, uid } from '../dom.js';
import { icon } from '../icons.js';
import { readable } from '../messages.js';

/** `onApply(query)` runs on Enter or Apply ('' clears); `onSave(query)` saves the applied query. */
export function filterBox({ query = '', onApply, onSave }) {
  const inputId = uid('filter-query');
  const errorId = uid('filter-error');
  const hintId = uid('filter-hint');
  const input = h('input', {
    type: 'text', id: inputId, class: 'filter-query', value: query, autocomplete: 'off', spellcheck: 'false',
    maxlength: '1000', placeholder: 'e.g. today & p1 | #work', enterkeyhint: 'search', 'aria-describedby': `${hintId} ${errorId}`,
  });
  const error = h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true });
  const clear = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Clear filter', title: 'Clear filter', onclick: () => apply('') }, icon('close'));
  const save = h('button', { type: 'button', class: 'btn btn-small', onclick: () => onSave(applied) }, 'Save as filter');
  const element = h('form', { class: 'filter-box', role: 'search', 'aria-label': 'Filter tasks', novalidate: true },
    h('div', { class: 'filter-box-row' },
      h('label', { for: inputId, class: 'filter-box-label' }, icon('search'), 'Filter'),
      input,
      h('button', { type: 'submit', class: 'btn btn-small' }, 'Apply'),
      clear, save),
    h('p', { class: 'field-hint visually-hidden', id: hintId },
      'Filter language: today, overdue, p1, #tag, +project, /section, search: words; combine with &, | and !'),
    error);
  let applied = query;

  element.addEventListener('submit', (event) => {
    event.preventDefault();
    apply(input.value.trim());
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && input.value) {
      event.stopPropagation();
      apply('');
    }
  });

  function apply(text) {
    input.value = text;
    applied = text;
    showError('');
    sync();
    onApply(text);
  }

  function sync() {
    clear.hidden = !applied;
    save.hidden = !applied || !error.hidden;
  }

  /** Show the API's message about the query ('' hides it). */
  function showError(message) {
    error.textContent = message && readable('filter', message);
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    sync();
  }

  sync();
  return {
    element, showError, input,
    /** Put `text` in the box as the applied query without running it. */
    set(text) { input.value = text; applied = text; showError(''); },
  };
}
