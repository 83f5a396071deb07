// Settings › Webhooks: list (URL, event types, enabled or why not), create (secret shown once), edit, re-enable, delete, recent deliveries.
import { h, replace, field, uid } from '../../dom.js';
import { announce, toast, fail } from '../../announce.js';
import { confirmDialog, modal } from '../dialog.js';
import { showErrors, clearErrors } from '../field-errors.js';
import { settingsApi } from './api.js';
import { when, secretField, loadInto } from './kit.js';

// The event types a webhook may ask for (taskai.services.webhooks.EVENT_TYPES); "*" is every one.
const TYPES = ['task.created', 'task.updated', 'task.completed', 'task.reopened', 'task.deleted',
  'project.created', 'project.updated', 'project.deleted', 'section.created', 'section.updated', 'section.deleted',
  'filter.created', 'filter.updated', 'filter.deleted'].map((type) => `com.taskai.${type}`);
const short = (type) => (type === '*' ? 'All events' : type.replace('com.taskai.', ''));

function render() {
  const list = h('div', { class: 'settings-list' });
  const created = h('div', { class: 'settings-created' });
  const reload = () => loadInto(list, settingsApi.webhooks, ({ webhooks }) => (webhooks.length
    ? h('ul', { class: 'settings-rows', 'aria-label': 'Your webhooks' }, webhooks.map((hook) => row(hook, reload)))
    : h('p', { class: 'muted' }, 'No webhooks yet.')));
  reload();
  const form = hookForm({ submit: 'Add webhook', heading: 'New webhook' }, async (body) => {
    const hook = await settingsApi.createWebhook(body);
    replace(created, h('div', { class: 'notice-card' },
      h('p', {}, `Webhook to ${hook.url} added.`),
      secretField('Signing secret', hook.secret, { once: true, name: 'webhook-secret' })));
    created.querySelector('input')?.focus();
    announce('Webhook added. Copy its signing secret now.');
    reload();
  });
  return h('div', {}, h('p', { class: 'muted' },
    'TaskAI POSTs each change you choose to your URL, signed per Standard Webhooks with the secret shown when you add it.'),
  list, form, created);
}

function row(hook, reload) {
  const deliveries = h('div', { class: 'deliveries' });
  const showDeliveries = () => loadInto(deliveries, () => settingsApi.deliveries(hook.id), ({ deliveries: items }) => (items.length
    ? deliveryTable(items, hook) : h('p', { class: 'muted' }, 'No deliveries yet.')));
  const details = h('details', { class: 'deliveries-box' },
    h('summary', {}, 'Recent deliveries'), deliveries,
    h('button', { type: 'button', class: 'btn btn-small', onclick: showDeliveries }, 'Refresh deliveries'));
  details.addEventListener('toggle', () => { if (details.open) showDeliveries(); });
  const act = (label, run, className = 'btn') => h('button', { type: 'button', class: className, 'aria-label': `${label} webhook ${hook.url}`, onclick: run }, label);
  const enable = async () => {
    try {
      await settingsApi.updateWebhook(hook.id, { enabled: true });
      announce('Webhook enabled');
      toast('Webhook enabled');
      details.closest('section')?.focus(); // the list is drawn again
      reload();
    } catch (error) {
      fail(error, 'Could not enable the webhook');
    }
  };
  const edit = () => {
    const { close } = modal({
      title: 'Edit webhook',
      body: hookForm({ submit: 'Save', hook }, async (body) => {
        await settingsApi.updateWebhook(hook.id, body);
        close();
        details.closest('section')?.focus(); // the list is drawn again
        announce('Webhook saved');
        toast('Webhook saved');
        reload();
      }),
    });
  };
  const remove = async () => {
    const sure = await confirmDialog('Delete this webhook?', { detail: `${hook.url} gets no more deliveries; its delivery log goes too.` });
    if (!sure) return;
    try {
      await settingsApi.deleteWebhook(hook.id);
      announce('Webhook deleted');
      toast('Webhook deleted');
      details.closest('section')?.focus(); // its row goes away
      reload();
    } catch (error) {
      fail(error, 'Could not delete the webhook');
    }
  };
  const state = hook.enabled ? h('span', { class: 'state state-on' }, 'Enabled')
    : h('span', { class: 'state state-off' }, hook.disabled_reason ? `Disabled: ${hook.disabled_reason}` : 'Disabled');
  return h('li', { class: 'settings-row', dataset: { id: hook.id } },
    h('div', { class: 'settings-row-main' },
      h('h3', { class: 'settings-row-title url' }, hook.url),
      h('p', { class: 'chips' }, hook.event_types.map((type) => h('span', { class: 'chip' }, short(type)))),
      h('p', {}, state),
      details),
    h('div', { class: 'settings-row-actions' },
      !hook.enabled && act('Enable', enable, 'btn btn-primary'), act('Edit', edit), act('Delete', remove, 'btn btn-danger-quiet')));
}

function deliveryTable(items, hook) {
  return h('table', { class: 'deliveries-table' },
    h('caption', { class: 'visually-hidden' }, `Recent deliveries to ${hook.url}`),
    h('thead', {}, h('tr', {}, ['Event', 'Result', 'HTTP status', 'Tries', 'Time'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, items.map((d) => h('tr', { dataset: { status: d.status } },
      h('td', {}, short(d.event_type)),
      h('td', {}, d.status === 'failed' && d.last_error ? `failed: ${d.last_error}` : d.status),
      h('td', { class: 'code' }, d.response_status == null ? '–' : String(d.response_status)),
      h('td', {}, String(d.attempts)),
      h('td', {}, when(d.finished_at || d.created_at))))));
}

/** The URL and event-type form, for adding (empty) or editing `hook`; `save(body)` may throw an ApiError. */
function hookForm({ submit, heading, hook }, save) {
  const url = h('input', { type: 'url', maxlength: '2000', autocomplete: 'off', placeholder: 'https://example.com/hooks/taskai', value: hook?.url || '' });
  const chosen = new Set(hook?.event_types || ['*']);
  const boxes = ['*', ...TYPES].map((type) => {
    const box = h('input', { type: 'checkbox', id: uid('type'), value: type, checked: chosen.has(type) });
    return h('label', { class: 'choice', for: box.id }, box, h('span', {}, short(type)));
  });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-label': heading || 'Edit webhook' },
    heading && h('h3', {}, heading),
    field('URL', url, { name: 'url', hint: 'https://, reaching a public address.' }),
    h('fieldset', { class: 'field checks', dataset: { field: 'event_types' } }, h('legend', {}, 'Events'), boxes,
      h('p', { class: 'field-error', hidden: true })),
    error,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, submit)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const types = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
    try {
      await save({ url: url.value.trim(), event_types: types.includes('*') ? ['*'] : types });
      if (!hook) url.value = '';
    } catch (error_) {
      showErrors(form, error_, error);
    }
  });
  return form;
}

export default { id: 'webhooks', title: 'Webhooks', render };
