// Tags field: chips in their colors and a combobox that autocompletes from /api/tags?q=.
import { h, replace, debounce, uid } from '../dom.js';
import { api } from '../api.js';
import * as store from '../store.js';
import { tagChip } from './chips.js';

export function tagInput(initial = []) {
  const names = [...initial];
  const listId = uid('tags-list');
  const input = h('input', {
    type: 'text', id: uid('tags'), class: 'tag-entry', role: 'combobox', autocomplete: 'off',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    placeholder: 'Add a tag…', maxlength: '50',
  });
  const tokens = h('ul', { class: 'tag-tokens', 'aria-label': 'Tags on this task' });
  const list = h('ul', { class: 'tag-options', role: 'listbox', id: listId, hidden: true, 'aria-label': 'Matching tags' });
  const error = h('p', { class: 'field-error', hidden: true });
  const element = h('div', { class: 'field tag-field', dataset: { field: 'tags' } },
    h('label', { for: input.id }, 'Tags'),
    h('div', { class: 'tag-box', onclick: () => input.focus() }, tokens, input),
    list, error);
  let options = [];
  let active = -1;
  let controller = null;

  function renderTokens() {
    replace(tokens, names.map((name) => h('li', {},
      tagChip(store.tagByName(name) || { name }),
      h('button', { type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${name}`, onclick: () => remove(name) }, '×'))));
  }

  function add(raw) {
    const name = raw.trim().replace(/^#+/, '').replace(/,/g, ' ').trim();
    if (name && !names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name);
    input.value = '';
    close();
    renderTokens();
  }

  function remove(name) {
    names.splice(names.indexOf(name), 1);
    renderTokens();
    input.focus();
  }

  /** Below the box, or above it when the viewport has more room there. */
  function place() {
    const box = element.querySelector('.tag-box').getBoundingClientRect();
    const below = innerHeight - box.bottom;
    const above = box.top;
    const flip = below < list.offsetHeight + 8 && above > below;
    list.style.setProperty('left', `${box.left}px`);
    list.style.setProperty('width', `${box.width}px`);
    list.style.setProperty('top', flip ? 'auto' : `${box.bottom + 4}px`);
    list.style.setProperty('bottom', flip ? `${innerHeight - box.top + 4}px` : 'auto');
    list.style.setProperty('max-height', `${Math.min(220, Math.max(below, above) - 12)}px`);
  }

  function close() {
    options = [];
    active = -1;
    list.hidden = true;
    removeEventListener('scroll', place, true);
    removeEventListener('resize', place);
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function renderOptions() {
    replace(list, options.map((option, index) => h('li', {
      role: 'option', id: `${listId}-${index}`, class: 'tag-option', 'aria-selected': String(index === active),
      onmousedown: (event) => event.preventDefault(),
      onclick: () => add(option.name),
    }, option.create
      ? h('span', {}, 'Create ', h('strong', {}, `#${option.name}`))
      : [h('span', { class: 'dot', style: { '--tag': option.color } }), h('span', { class: 'tag-option-name' }, option.name),
        h('span', { class: 'tag-option-count' }, String(option.task_count ?? ''))])));
    list.hidden = options.length === 0;
    if (!list.hidden) {
      place();
      addEventListener('scroll', place, true); // the dialog's body scrolls under a fixed list
      addEventListener('resize', place);
    }
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (active >= 0) input.setAttribute('aria-activedescendant', `${listId}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  const lookup = debounce(async () => {
    const q = input.value.trim().replace(/^#+/, '');
    controller?.abort();
    if (!q) {
      close();
      return;
    }
    controller = new AbortController();
    try {
      const { items } = await api.tags(q, controller.signal);
      const taken = new Set(names.map((n) => n.toLowerCase()));
      options = items.filter((t) => !taken.has(t.name.toLowerCase()));
      if (!items.some((t) => t.name.toLowerCase() === q.toLowerCase()) && !taken.has(q.toLowerCase())) {
        options.push({ name: q, create: true });
      }
      active = options.length ? 0 : -1;
      renderOptions();
    } catch (err) {
      if (err.name !== 'AbortError') close();
    }
  }, 120);

  input.addEventListener('input', lookup);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    if (event.key === 'ArrowDown' && open) {
      active = (active + 1) % options.length;
      renderOptions();
    } else if (event.key === 'ArrowUp' && open) {
      active = (active - 1 + options.length) % options.length;
      renderOptions();
    } else if (event.key === 'Enter' || event.key === ',' || (event.key === 'Tab' && input.value.trim())) {
      if (!input.value.trim() && event.key === 'Enter') return; // let Enter submit the form
      const option = open && active >= 0 ? options[active] : null;
      add(option ? option.name : input.value);
    } else if (event.key === 'Backspace' && !input.value && names.length) {
      remove(names[names.length - 1]);
      return;
    } else if (event.key === 'Escape' && open) {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  });
  renderTokens();
  return {
    element,
    input,
    value: () => {
      if (input.value.trim()) add(input.value);
      return [...names];
    },
  };
}
