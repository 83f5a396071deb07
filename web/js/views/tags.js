// Tags page: create, rename, recolor and delete tags; each row shows how many open tasks use it.
import { h, replace } from '../dom.js';
import { firstReadable } from '../messages.js';
import { icon } from '../icons.js';
import { api } from '../api.js';
import * as store from '../store.js';
import { announce, fail } from '../announce.js';
import { confirmDialog } from '../components/dialog.js';
import { defaultTagColor } from '../components/chips.js';

export function tagsPage(host) {
  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' }, 'Tags');
  const name = h('input', { type: 'text', id: 'new-tag-name', maxlength: '50', autocomplete: 'off', placeholder: 'e.g. errands' });
  const color = h('input', { type: 'color', id: 'new-tag-color', value: '#4073ff' });
  const formError = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'tag-new', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: name.id }, 'New tag'), name),
    h('div', { class: 'field' }, h('label', { for: color.id }, 'Color'), color),
    h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus'), 'Add tag'),
    formError);
  const list = h('ul', { class: 'tag-table', 'aria-label': 'Your tags' });
  const empty = h('div', { class: 'empty', hidden: true }, icon('tag', 'empty-icon'), h('h2', {}, 'No tags yet'),
    h('p', {}, 'Add one here, or type #name in the quick add.'));
  replace(host, h('section', { class: 'page', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading, h('p', { class: 'page-subtitle' }, 'Rename, recolor or delete. Changes apply to every task with the tag.')),
    form, list, empty));
  let colorTouched = false;
  color.addEventListener('input', () => { colorTouched = true; });
  name.addEventListener('input', () => {
    formError.hidden = true;
    if (!colorTouched && name.value.trim()) color.value = defaultTagColor(name.value.trim());
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const tag = await api.createTag({ name: name.value.trim(), color: color.value });
      store.putTags([tag]);
      announce(`Added tag ${tag.name}`);
      name.value = '';
      colorTouched = false;
    } catch (error) {
      formError.textContent = firstReadable(error);
      formError.hidden = false;
      name.focus();
    }
  });

  const rows = new Map();
  function row(tag) {
    const nameInput = h('input', { type: 'text', value: tag.name, maxlength: '50', class: 'tag-name-input', 'aria-label': `Name of tag ${tag.name}` });
    const colorInput = h('input', { type: 'color', value: tag.color, 'aria-label': `Color of tag ${tag.name}` });
    const count = h('a', { class: 'tag-count', href: `/all?tag=${encodeURIComponent(tag.name)}` });
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const remove = h('button', { type: 'button', class: 'icon-btn danger', 'aria-label': `Delete tag ${tag.name}` }, icon('trash'));
    const li = h('li', { class: 'tag-row', style: { '--tag': tag.color }, dataset: { id: tag.id } },
      colorInput, nameInput, count, remove, error);
    const save = async (changes) => {
      error.hidden = true;
      try {
        const saved = await api.updateTag(tag.id, changes);
        store.putTags([saved]);
        announce(changes.name ? `Renamed tag to ${saved.name}` : `Changed the color of ${saved.name}`);
      } catch (err) {
        error.textContent = firstReadable(err);
        error.hidden = false;
        const current = store.state.tags.get(tag.id);
        if (current) { nameInput.value = current.name; colorInput.value = current.color; }
      }
    };
    nameInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); nameInput.blur(); }
      if (event.key === 'Escape') { nameInput.value = store.state.tags.get(tag.id)?.name || nameInput.value; nameInput.blur(); }
    });
    nameInput.addEventListener('change', () => {
      const value = nameInput.value.trim();
      if (value && value !== store.state.tags.get(tag.id)?.name) save({ name: value });
    });
    colorInput.addEventListener('change', () => save({ color: colorInput.value }));
    remove.addEventListener('click', async () => {
      const current = store.state.tags.get(tag.id) || tag;
      if (!(await confirmDialog(`Delete tag “${current.name}”?`, { detail: 'It is taken off every task; the tasks stay.' }))) return;
      try {
        await api.deleteTag(tag.id);
        store.removeTag(tag.id);
        announce(`Deleted tag ${current.name}`);
      } catch (err) {
        fail(err, 'Could not delete the tag');
      }
    });
    return { li, nameInput, colorInput, count, remove };
  }

  function update() {
    const tags = [...store.state.tags.values()].sort((a, b) => a.name.localeCompare(b.name));
    const open = new Map();
    for (const task of store.state.tasks.values()) {
      if (task.status === 'completed') continue;
      for (const t of task.tags) open.set(t.id, (open.get(t.id) || 0) + 1);
    }
    for (const [id, r] of rows) if (!store.state.tags.has(id)) { r.li.remove(); rows.delete(id); }
    for (const tag of tags) {
      let r = rows.get(tag.id);
      if (!r) rows.set(tag.id, (r = row(tag)));
      if (document.activeElement !== r.nameInput && r.nameInput.value !== tag.name) r.nameInput.value = tag.name;
      if (r.colorInput.value !== tag.color) r.colorInput.value = tag.color;
      r.li.style.setProperty('--tag', tag.color);
      r.nameInput.setAttribute('aria-label', `Name of tag ${tag.name}`);
      r.colorInput.setAttribute('aria-label', `Color of tag ${tag.name}`);
      r.remove.setAttribute('aria-label', `Delete tag ${tag.name}`);
      const n = open.get(tag.id) || 0;
      r.count.textContent = `${n} open ${n === 1 ? 'task' : 'tasks'}`;
      r.count.setAttribute('href', `/all?tag=${encodeURIComponent(tag.name)}`);
    }
    const ordered = tags.map((tag) => rows.get(tag.id).li);
    if (ordered.some((li, i) => list.children[i] !== li)) list.replaceChildren(...ordered); // alphabetical
    empty.hidden = tags.length > 0 || !store.state.loaded;
  }
  update();
  const stop = store.subscribe(update);
  return { heading, destroy: stop };
}
