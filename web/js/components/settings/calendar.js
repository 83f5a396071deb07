// Settings › Calendar: the secret feed URL to copy into a calendar app, and rotating it.
import { h } from '../../dom.js';
import { announce, toast, fail } from '../../announce.js';
import { confirmDialog } from '../dialog.js';
import { settingsApi } from './api.js';
import { when, secretField, loadInto } from './kit.js';

function render() {
  const body = h('div', {});
  const show = ({ url, created_at: createdAt }) => {
    const rotate = h('button', { type: 'button', class: url ? 'btn' : 'btn btn-primary' }, url ? 'Rotate URL' : 'Create feed URL');
    rotate.addEventListener('click', async () => {
      if (url && !await confirmDialog('Rotate the calendar URL?', {
        confirm: 'Rotate', detail: 'The old URL stops working at once: calendars subscribed to it must subscribe to the new one.',
      })) return;
      try {
        await settingsApi.rotateCalendar();
        announce(url ? 'Calendar URL rotated; the old one no longer works' : 'Calendar URL created');
        toast(url ? 'Calendar URL rotated' : 'Calendar URL created');
        await loadInto(body, settingsApi.calendar, show);
        body.querySelector('input')?.focus();
      } catch (error) {
        fail(error, 'Could not change the calendar URL');
      }
    });
    return h('div', {},
      url ? secretField('Feed URL', url, { name: 'calendar-url' }) : h('p', { class: 'muted' }, 'No feed URL yet.'),
      url && h('p', { class: 'field-hint' }, `Made ${when(createdAt)}. Anyone with this URL can read your dated tasks.`),
      h('div', { class: 'form-actions' }, rotate));
  };
  loadInto(body, settingsApi.calendar, show);
  return h('div', {}, h('p', { class: 'muted' },
    'Subscribe to your tasks with due dates from a calendar app (Google Calendar, Apple Calendar, Outlook).'), body);
}

export default { id: 'calendar', title: 'Calendar', render };
