// Settings › API tokens: list (name, scopes, expiry, last use), create (secret shown once), revoke.
import { h, replace, field, uid } from '../../dom.js';
import { announce, toast, fail } from '../../announce.js';
import { confirmDialog } from '../dialog.js';
import { showErrors, clearErrors } from '../field-errors.js';
import { settingsApi } from './api.js';
import { when, secretField, loadInto } from './kit.js';

// The API's scopes (taskai.domain.api_tokens.Scope), in its order.
const SCOPES = [
  ['tasks:read', 'Read tasks'], ['tasks:write', 'Create and change tasks'],
  ['tags:read', 'Read tags'], ['tags:write', 'Create and change tags'],
  ['projects:read', 'Read projects'], ['projects:write', 'Create and change projects'],
  ['webhooks:write', 'Manage webhooks'], ['account:read', 'Read the account'],
];

function render() {
  const list = h('div', { class: 'settings-list' });
  const created = h('div', { class: 'settings-created' });
  const reload = () => loadInto(list, settingsApi.tokens, ({ tokens }) => (tokens.length
    ? h('ul', { class: 'settings-rows', 'aria-label': 'Your API tokens' }, tokens.map((token) => row(token, reload)))
    : h('p', { class: 'muted' }, 'No API tokens yet.')));
  reload();
  return h('div', {}, h('p', { class: 'muted' },
    'A token lets a script use the API as you, limited to the scopes you pick. Send it as "Authorization: Bearer tai_…".'),
  list, createForm((token) => {
    replace(created, h('div', { class: 'notice-card' },
      h('p', {}, `Token "${token.name}" created.`), secretField('Token secret', token.token, { once: true, name: 'token' })));
    created.querySelector('input')?.focus();
    announce(`Token ${token.name} created. Copy its secret now.`);
    reload();
  }), created);
}

function row(token, reload) {
  const revoke = h('button', { type: 'button', class: 'btn btn-danger-quiet', 'aria-label': `Revoke token ${token.name}` }, 'Revoke');
  revoke.addEventListener('click', async () => {
    const sure = await confirmDialog(`Revoke token "${token.name}"?`, {
      confirm: 'Revoke', detail: 'Scripts using it stop working at once. This cannot be undone.',
    });
    if (!sure) return;
    try {
      await settingsApi.revokeToken(token.id);
      announce(`Token ${token.name} revoked`);
      toast(`Token "${token.name}" revoked`);
      revoke.closest('section')?.focus(); // its row goes away
      reload();
    } catch (error) {
      fail(error, 'Could not revoke the token');
    }
  });
  return h('li', { class: 'settings-row', dataset: { id: token.id } },
    h('div', { class: 'settings-row-main' },
      h('h3', { class: 'settings-row-title' }, token.name),
      h('p', { class: 'chips' }, token.scopes.map((scope) => h('span', { class: 'chip' }, scope))),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Expires'), h('dd', {}, when(token.expires_at)),
        h('dt', {}, 'Last used'), h('dd', {}, when(token.last_used_at, 'Not yet')),
        h('dt', {}, 'Created'), h('dd', {}, when(token.created_at)))),
    h('div', { class: 'settings-row-actions' }, revoke));
}

function createForm(onCreated) {
  const name = h('input', { type: 'text', maxlength: '100', autocomplete: 'off', placeholder: 'e.g. Backup script' });
  const boxes = SCOPES.map(([scope, words]) => {
    const box = h('input', { type: 'checkbox', id: uid('scope'), value: scope, checked: scope === 'tasks:read' });
    return h('label', { class: 'choice', for: box.id }, box, h('span', {}, words, ' ', h('code', {}, scope)));
  });
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const expires = h('input', { type: 'date', min: day(1), max: day(364) });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-label': 'New API token' },
    h('h3', {}, 'New token'),
    field('Name', name, { name: 'name' }),
    h('fieldset', { class: 'field checks', dataset: { field: 'scopes' } }, h('legend', {}, 'Scopes'), boxes,
      h('p', { class: 'field-error', hidden: true })),
    field('Expires on (optional)', expires, { name: 'expires_at', hint: 'At most a year away. Left empty, it never expires.' }),
    error,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create token')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { name: name.value.trim(), scopes: boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value) };
    if (expires.value) body.expires_at = `${expires.value}T23:59:59`; // the end of that day, in your zone
    try {
      const token = await settingsApi.createToken(body);
      name.value = expires.value = '';
      onCreated(token);
    } catch (error_) {
      showErrors(form, error_, error);
    }
  });
  return form;
}

export default { id: 'tokens', title: 'API tokens', render };
