// Settings › Import and export: download everything as a file; import a TaskAI export or a Todoist CSV and read the report.
import { h, replace, field, uid } from '../../dom.js';
import { announce, toast, fail } from '../../announce.js';
import { showErrors, clearErrors } from '../field-errors.js';
import * as sync from '../../sync.js';
import { settingsApi } from './api.js';
import { secretField } from './kit.js';

const KINDS = { projects: 'Projects', sections: 'Sections', tags: 'Tags', filters: 'Saved filters', webhooks: 'Webhooks', tasks: 'Tasks' };

function render() {
  const download = h('button', { type: 'button', class: 'btn' }, 'Download export');
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      const blob = await settingsApi.exportBlob();
      const link = h('a', { href: URL.createObjectURL(blob), download: `taskai-export-${new Date().toISOString().slice(0, 10)}.json`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      announce('Export downloaded');
    } catch (error) {
      fail(error, 'Could not export');
    } finally {
      download.disabled = false;
    }
  });
  const report = h('div', { class: 'import-report' });
  return h('div', {},
    h('h3', {}, 'Export'),
    h('p', { class: 'muted' }, 'Everything in your account as one JSON file: projects, sections, tags, saved filters, webhooks (without their secrets) and tasks.'),
    h('div', { class: 'form-actions form-actions-start' }, download),
    importForm(report), report);
}

function importForm(report) {
  const radio = (value, label, checked) => {
    const input = h('input', { type: 'radio', name: 'import-kind', id: uid('kind'), value, checked });
    return h('label', { class: 'choice', for: input.id }, input, h('span', {}, label));
  };
  const kinds = [radio('taskai', 'A TaskAI export (.json)', true), radio('todoist', "Todoist's CSV export (.csv)", false)];
  const file = h('input', { type: 'file', accept: '.json,application/json', class: 'file-input' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Import');
  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-label': 'Import' },
    h('h3', {}, 'Import'),
    h('fieldset', { class: 'field checks' }, h('legend', {}, 'What the file is'), kinds),
    field('File', file, { name: 'file', hint: 'At most 10 MB. A row that cannot be imported is skipped and listed in the report; the rest is imported. Importing an export into the account it came from adds copies of its tasks (the same file again adds nothing).' }),
    error, h('div', { class: 'form-actions' }, button));
  const todoist = () => kinds[1].querySelector('input').checked;
  form.addEventListener('change', (event) => {
    if (event.target.name === 'import-kind') file.accept = todoist() ? '.csv,text/csv' : '.json,application/json';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const chosen = file.files[0];
    if (!chosen) {
      showErrors(form, { fields: { file: 'Choose a file to import.' } }, error);
      return;
    }
    button.disabled = true;
    replace(report, h('p', { class: 'muted' }, `Importing ${chosen.name}…`));
    try {
      const result = await settingsApi.importFile(chosen, { todoist: todoist() });
      replace(report, reportOf(result, chosen.name));
      report.querySelector('h3')?.focus();
      sync.now().catch(() => {}); // show the new tasks at once
      const made = result.created?.tasks ?? 0;
      announce(result.repeated ? 'This file was imported before: nothing new.' : `Imported ${made} tasks, ${result.rejected.length} rows refused`);
      toast(result.repeated ? 'Imported before: nothing new' : 'Import finished');
      file.value = '';
    } catch (error_) {
      replace(report);
      showErrors(form, error_, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function reportOf(result, name) {
  const counts = Object.entries(result.created || {}).filter(([kind, n]) => KINDS[kind] && (n || kind === 'tasks'));
  return h('div', { class: 'notice-card' },
    h('h3', { tabindex: '-1' }, `Import report: ${name}`),
    result.repeated && h('p', {}, 'This file was imported before, so nothing new was created. Here is the first report.'),
    h('dl', { class: 'facts' }, counts.map(([kind, n]) => [h('dt', {}, KINDS[kind]), h('dd', {}, `${n} created`)])),
    result.flattened && h('p', {}, `${result.subtasks} subtasks could not nest and were imported at the top level.`),
    result.notes?.length && h('ul', { class: 'import-notes' }, result.notes.map((note) => h('li', {}, note))),
    (result.webhooks || []).length ? h('div', {},
      h('p', {}, 'Imported webhooks are disabled, each with a new signing secret. Give the secret to its receiver, then enable it.'),
      result.webhooks.map((hook) => secretField(`Secret for ${hook.url}`, hook.secret, { once: true, name: 'import-secret' }))) : null,
    result.rejected.length ? h('table', { class: 'rejected-table' },
      h('caption', {}, `${result.rejected.length} refused`),
      h('thead', {}, h('tr', {}, ['Where', 'Field', 'Why'].map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, result.rejected.map((r) => h('tr', {},
        h('td', {}, r.line != null ? `Line ${r.line}` : `${KINDS[r.kind] || r.kind} #${r.index + 1}`),
        h('td', {}, r.field), h('td', {}, r.message)))))
      : h('p', {}, 'Nothing was refused.'));
}

export default { id: 'transfer', title: 'Import and export', render };
