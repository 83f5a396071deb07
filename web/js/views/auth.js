// Sign in and sign up: clear errors (wrong password, taken email, field rules) and a time zone pick.
import { h, replace, field } from '../dom.js';
import { api } from '../api.js';
import { zones, browserZone } from '../dates.js';
import { showErrors, clearErrors } from '../components/field-errors.js';

/** mode: 'signin' | 'signup'; onSignedIn(tokenResponse) finishes the job. `notice` explains a redirect. */
export function authPage(root, { mode, onSignedIn, notice }) {
  const signup = mode === 'signup';
  const email = h('input', { type: 'email', autocomplete: 'email', required: true, maxlength: '320', inputmode: 'email' });
  const password = h('input', {
    type: 'password', required: true, maxlength: '72', autocomplete: signup ? 'new-password' : 'current-password',
  });
  const name = h('input', { type: 'text', autocomplete: 'name', maxlength: '200' });
  const detected = browserZone();
  const zone = h('select', {}, zones(detected).map((z) => h('option', { value: z }, z.replaceAll('_', ' '))));
  zone.value = detected;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: !notice }, notice || '');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, signup ? 'Create account' : 'Sign in');
  const heading = h('h1', { tabindex: '-1' }, signup ? 'Create your account' : 'Welcome back');
  const form = h('form', { class: 'auth-form', novalidate: true },
    signup && field('Name (optional)', name, { name: 'name' }),
    field('Email', email, { name: 'email' }),
    field('Password', password, { name: 'password', hint: signup ? 'At least 8 characters.' : null }),
    signup && field('Time zone', zone, { name: 'timezone', hint: 'Used for due dates and reminders. Change it any time.' }),
    error, submit);
  replace(root, h('main', { id: 'main', class: 'auth' },
    h('div', { class: 'auth-card' },
      h('div', { class: 'auth-brand' }, h('img', { src: '/favicon.svg', alt: '', width: '36', height: '36' }), h('span', {}, 'TaskAI')),
      heading,
      h('p', { class: 'auth-lead' }, signup ? 'Type tasks the way you think: “Gym every monday at 7am #health”.' : 'Sign in to your tasks.'),
      form,
      h('p', { class: 'auth-switch' }, signup ? 'Already have an account? ' : 'New to TaskAI? ',
        h('a', { href: signup ? '/signin' : '/signup' }, signup ? 'Sign in' : 'Create an account')))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    error.hidden = true;
    const local = localCheck();
    if (local) {
      showErrors(form, { fields: local }, error);
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const body = { email: email.value.trim(), password: password.value };
      const response = signup
        ? await api.register({ ...body, name: name.value.trim(), timezone: zone.value })
        : await api.login(body);
      await onSignedIn(response);
    } catch (err) {
      if (err.status === 401) {
        error.textContent = 'Wrong email or password. Please try again.';
        error.hidden = false;
        password.select();
      } else if (err.status === 409) {
        showErrors(form, { fields: { email: 'An account with this email already exists.' } }, error);
        form.querySelector('[data-field=email] .field-error').append(' ', h('a', { href: '/signin' }, 'Sign in instead?'));
      } else {
        showErrors(form, err, error);
      }
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  function localCheck() {
    const fields = {};
    if (!email.value.trim()) fields.email = 'Enter your email address.';
    else if (!email.value.includes('@')) fields.email = 'That does not look like an email address.';
    if (!password.value) fields.password = 'Enter your password.';
    else if (signup && password.value.length < 8) fields.password = 'Use at least 8 characters.';
    return Object.keys(fields).length ? fields : null;
  }

  (notice ? email : heading).focus();
  if (!notice) email.focus();
  return { heading };
}
