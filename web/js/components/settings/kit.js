// What the settings sections share: a copy button, a secret shown once, times in words, a section's loading state.
import { h, replace, uid } from '../../dom.js';
import { announce, toast } from '../../announce.js';

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "12 Mar 2031, 09:30", or `none` for a missing time. */
export function when(moment, none = 'Never') {
  return moment ? TIME.format(new Date(moment)) : none;
}

/** A button copying `text()` to the clipboard, saying so aloud; `label` names what it copies. */
export function copyButton(text, label) {
  return h('button', {
    type: 'button', class: 'btn', 'aria-label': `Copy ${label}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text());
        announce(`Copied ${label}`);
        toast(`Copied ${label}`);
      } catch {
        toast('Could not copy: select the text and copy it yourself.', { tone: 'error' });
      }
    },
  }, 'Copy');
}

/** A read-only field holding `value` with a copy button; `once` adds "you won't see it again". */
export function secretField(labelText, value, { once = false, name = 'secret' } = {}) {
  const note = once ? h('p', { class: 'secret-note', id: uid('note') }, "Copy it now: you won't see it again.") : null;
  const input = h('input', {
    type: 'text', id: uid(name), value, readonly: true, class: 'secret-value', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': note?.id,
  });
  input.addEventListener('focus', () => input.select());
  const label = h('label', { for: input.id }, labelText);
  return h('div', { class: 'secret', dataset: { secret: name } }, label, h('div', { class: 'secret-row' }, input, copyButton(() => input.value, labelText.toLowerCase())), note);
}

/** Fill `host` from `load()`: a status line while loading, `show(data)` after, the error if it fails. */
export async function loadInto(host, load, show) {
  replace(host, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  try {
    replace(host, show(await load()));
  } catch (error) {
    replace(host, h('p', { class: 'form-error', role: 'alert' }, `Could not load: ${error.message}`),
      h('button', { type: 'button', class: 'btn', onclick: () => loadInto(host, load, show) }, 'Try again'));
  }
}
