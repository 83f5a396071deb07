// Quick add: one line parsed as you type (debounced, stale requests aborted), Enter creates the task.
import { h, replace, debounce } from '../dom.js';
import { icon } from '../icons.js';
import { api } from '../api.js';
import * as store from '../store.js';
import { announce, toast } from '../announce.js';
import { label } from '../dates.js';
import { readable, firstReadable } from '../messages.js';
import { describeRule } from '../rrule.js';
import { dueChip, placeChip, priorityChip, recurrenceChip, reminderChip, tagChip } from './chips.js';

const PARSE_DELAY_MS = 250;
const LEARNED = 'taskai.quick-add-learned'; // the floating hint stops after the first task added
const TITLE_MAX = 500; // the API's limit on a title
const EXAMPLE = 'Pay rent every month on the 1st at 9am #home !high remind me 1 day before';

export function quickAdd({ onCreated } = {}) {
  const zone = () => store.state.user?.timezone || 'UTC';
  let controller = null;
  let lastDraft = { text: null, title: '' }; // what the parser made of the text last
  const input = h('input', {
    type: 'text', id: 'quick-add', class: 'qa-input', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'done',
    maxlength: '1000', placeholder: `Add a task, e.g. “${EXAMPLE}”`, 'aria-describedby': 'qa-preview qa-help qa-error',
  });
  // What the parser understood is highlighted in place: a mirror of the text sits behind the
  // transparent input, with a <mark> over each span the draft reports.
  const marks = h('div', { class: 'qa-marks', id: 'qa-marks', 'aria-hidden': 'true' });
  const field = h('div', { class: 'qa-field' }, marks, input);
  input.addEventListener('scroll', () => { marks.scrollLeft = input.scrollLeft; });
  const preview = h('div', { class: 'qa-preview', id: 'qa-preview' });
  const error = h('p', { class: 'field-error', id: 'qa-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary qa-submit' }, 'Add');
  const form = h('form', { class: 'quick-add', novalidate: true, 'aria-label': 'Quick add' },
    h('div', { class: 'qa-row' },
      h('label', { for: 'quick-add', class: 'qa-label' }, icon('plus'), h('span', { class: 'visually-hidden' }, 'Quick add a task')),
      field, button),
    preview,
    h('p', { class: 'qa-help', id: 'qa-help' },
      'Type naturally: dates, “every monday”, #tags, !high, “remind me 1 h before”. Text in quotes stays as written. ',
      h('kbd', {}, 'Enter'), ' to add.'),
    error);

  form.classList.toggle('learned', localStorage.getItem(LEARNED) === '1');
  const parseSoon = debounce(parseNow, PARSE_DELAY_MS);
  input.addEventListener('input', () => {
    showError('');
    replace(marks);
    if (!input.value.trim()) {
      parseSoon.cancel();
      controller?.abort();
      replace(preview);
      form.classList.remove('parsing');
      return;
    }
    form.classList.add('parsing');
    parseSoon();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      input.dispatchEvent(new Event('input'));
      input.blur();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });

  async function parseNow() {
    controller?.abort();
    controller = new AbortController();
    const text = input.value;
    try {
      const draft = await api.parse(text, zone(), controller.signal, place());
      if (input.value === text) {
        lastDraft = { text, title: draft.title || '' };
        showSpans(text, draft.spans || []);
        showDraft(draft);
      }
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (input.value === text) replace(preview, h('p', { class: 'qa-note qa-refused' }, refusal(err)));
    } finally {
      if (input.value === text) form.classList.remove('parsing');
    }
  }

  function refusal(err) {
    if (err.status === 404) return 'Smart parsing is not available right now; the text will be the title.';
    const fields = Object.entries(err.fields || {}).map(([name, why]) => readable(name, why));
    return fields.length ? `This would not be saved: ${fields.join(' ')}` : err.message;
  }

  function showSpans(text, spans) {
    const parts = [];
    let at = 0;
    for (const { start, end, kind } of [...spans].sort((a, b) => a.start - b.start)) {
      if (start < at || end > text.length) continue;
      parts.push(text.slice(at, start), h('mark', { class: 'qa-mark', dataset: { kind } }, text.slice(start, end)));
      at = end;
    }
    parts.push(text.slice(at));
    replace(marks, ...parts);
    marks.scrollLeft = input.scrollLeft;
  }

  function showDraft(draft) {
    const tz = zone();
    const chips = [
      draft.title && h('li', { class: 'qa-title', dataset: { kind: 'title' } }, icon('text'), h('span', {}, draft.title)),
      draft.due_date && h('li', { dataset: { kind: 'due' } }, dueChip(draft.due_date, tz, { allDay: draft.all_day })),
      draft.recurrence && h('li', { dataset: { kind: 'recurrence' } },
        recurrenceChip(draft.recurrence.text || describeRule(draft.recurrence.rule, draft.recurrence.anchor))),
      draft.priority && h('li', { dataset: { kind: 'priority' } }, priorityChip(draft.priority)),
      placeOf(draft) && h('li', { dataset: { kind: 'place' } }, placeChip(placeOf(draft))),
      ...(draft.tags || []).map((name) => h('li', { dataset: { kind: 'tag' } }, tagChip(store.tagByName(name) || { name }))),
      ...(draft.reminders || []).map((r) => h('li', { dataset: { kind: 'reminder' } }, reminderChip(r, tz))),
      draft.source === 'openai' && h('li', { class: 'qa-source', dataset: { kind: 'source' } }, icon('sparkle'), 'AI'),
    ];
    const notes = draft.notes || [];
    replace(preview,
      h('ul', { class: 'qa-chips', 'aria-label': 'Will be added as' }, chips),
      notes.length ? h('div', { class: 'qa-notes', 'aria-label': 'Notes on the reading' },
        notes.map((note) => h('p', { class: 'qa-note' }, icon('info'), note))) : null);
  }

  /** "Project" or "Project / Section" when the text typed a +project or /section, else null. */
  function placeOf(draft) {
    if (draft.project == null && draft.section == null) return null;
    const project = store.state.projects.get(draft.project_id) || store.inbox();
    const section = store.state.sections.get(draft.section_id);
    return [project?.name || 'Inbox', section?.name].filter(Boolean).join(' / ');
  }

  async function submit() {
    const text = input.value.trim();
    const refused = localCheck(text);
    if (refused) {
      showError(refused);
      input.focus();
      return;
    }
    parseSoon.cancel();
    controller?.abort();
    form.setAttribute('aria-busy', 'true');
    try {
      const task = await createFrom(text);
      store.putTasks([task]);
      if (input.value.trim() === text) {
        input.value = '';
        replace(preview);
        replace(marks);
      }
      const when = task.due_date ? ` — ${label(task.due_date, zone(), task.all_day)}` : '';
      announce(`Added “${task.title}”${when}`);
      toast(`Added “${task.title}”${when}`);
      for (const note of task.notes || []) toast(note, { timeout: 7000 });
      localStorage.setItem(LEARNED, '1');
      form.classList.add('learned');
      onCreated?.(task);
    } catch (err) {
      showError(firstReadable(err));
    } finally {
      form.removeAttribute('aria-busy');
      form.classList.remove('parsing');
    }
  }

  /** Why `text` cannot be sent as it is, or '' (the title is the text less what the parser took out). */
  function localCheck(text) {
    if (!text) return 'Type a task first, e.g. “Call mom tomorrow at 6pm”.';
    const title = lastDraft.text === input.value ? lastDraft.title : text;
    if (title.length > TITLE_MAX) return `A title can be at most ${TITLE_MAX} characters; this one has ${title.length}.`;
    return '';
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  /** POST /api/ai/tasks; while that function is not deployed (404), the text becomes the title. */
  async function createFrom(text) {
    try {
      return (await api.quickAdd(text, zone(), place())).task;
    } catch (err) {
      if (err.status !== 404) throw err;
      toast('Smart parsing is not available; added the text as the title.', { timeout: 6000 });
      return api.createTask({ title: text.slice(0, TITLE_MAX), ...place() });
    }
  }

  /** The page's project, sent as the default place of one create; a typed +project or /section wins. */
  const place = () => handle.target || {};

  const handle = { form, input, focus: () => input.focus(), target: null }; // target: {project_id} | null
  return handle;
}
