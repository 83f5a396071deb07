// Profile page: name and time zone (all IANA zones), password, and signing out.
import { h, replace, field } from '../dom.js';
import { api } from '../api.js';
import * as store from '../store.js';
import * as sync from '../sync.js';
import * as session from '../session.js';
import { announce, toast } from '../announce.js';
import { zones, browserZone } from '../dates.js';
import { showErrors, clearErrors } from '../components/field-errors.js';

export function profilePage(host, { onSignOut }) {
  const user = store.state.user;
  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' }, 'Profile');
  const name = h('input', { type: 'text', value: user.name || '', maxlength: '200', autocomplete: 'name' });
  const email = h('input', { type: 'email', value: user.email, readonly: true });
  const zone = h('select', { autocomplete: 'off' }, zones(user.timezone).map((z) => h('option', { value: z }, z.replaceAll('_', ' '))));
  zone.value = user.timezone;
  const detected = browserZone();
  // Quick add reads dates, times and repeats in this language; unset, it follows the browser.
  const LANGUAGES = [['', 'As the browser says'], ['en', 'English'], ['de', 'Deutsch'], ['es', 'Español'], ['fr', 'Français']];
  const language = h('select', { autocomplete: 'off' }, LANGUAGES.map(([code, label]) => h('option', { value: code }, label)));
  language.value = user.language || '';
  const profileError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const profileForm = h('form', { class: 'card form-card', novalidate: true },
    h('h2', {}, 'Account'),
    field('Name', name, { name: 'name' }),
    field('Email', email, { hint: 'Your sign-in email cannot be changed here.' }),
    field('Time zone', zone, { name: 'timezone', hint: `Due dates and reminders use this zone. This device is set to ${detected}.` }),
    field('Quick add language', language, { name: 'language', hint: 'The language quick add reads dates, times and repeats in.' }),
    profileError,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save profile')));

  const current = h('input', { type: 'password', autocomplete: 'current-password', maxlength: '72' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', minlength: '8', maxlength: '72' });
  const passwordError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const passwordForm = h('form', { class: 'card form-card', novalidate: true },
    h('h2', {}, 'Password'),
    field('Current password', current, { name: 'current_password' }),
    field('New password', password, { name: 'new_password', hint: 'At least 8 characters, not easy to guess. Other devices are signed out.' }),
    passwordError,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, 'Change password')));

  const sessionCard = h('section', { class: 'card form-card', 'aria-labelledby': 'session-h' },
    h('h2', { id: 'session-h' }, 'Session'),
    h('p', { class: 'muted' }, 'You stay signed in on this browser (in every tab) until you sign out or the session expires.'),
    h('p', {}, h('a', { href: '/settings' }, 'Settings: API tokens, webhooks, calendar feed, import and export')),
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-danger-quiet', onclick: onSignOut }, 'Sign out')));

  replace(host, h('section', { class: 'page page-narrow', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading, h('p', { class: 'page-subtitle' }, user.email)),
    profileForm, passwordForm, sessionCard));

  profileForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(profileForm);
    const changes = {};
    if (name.value !== (user.name || '')) changes.name = name.value;
    if (zone.value !== store.state.user.timezone) changes.timezone = zone.value;
    if (language.value && language.value !== (store.state.user.language || '')) changes.language = language.value;
    if (!Object.keys(changes).length) {
      toast('Nothing to save');
      return;
    }
    try {
      const updated = await api.updateMe(changes);
      store.setUser(updated);
      if (changes.timezone) await reloadInZone();
      announce('Profile saved');
      toast('Profile saved');
    } catch (error) {
      showErrors(profileForm, error, profileError);
    }
  });

  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(passwordForm);
    try {
      await api.changePassword({ current_password: current.value, new_password: password.value });
      // Every earlier session ends with the change, this one too: sign in again with the new one.
      session.save(await api.login({ email: user.email, password: password.value }));
      current.value = password.value = '';
      announce('Password changed');
      toast('Password changed');
    } catch (error) {
      showErrors(passwordForm, error, passwordError);
    }
  });

  return { heading, destroy: () => {} };
}

/** Times come from the API in the owner's zone: after a change, load everything again. */
async function reloadInZone() {
  store.state.tasks.clear();
  store.state.cursor = null;
  await sync.now();
  store.changed();
}
