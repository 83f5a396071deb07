// Settings → Notifications (Web Push reminders, issue 17): explains, asks permission, subscribes
// this browser with the server's VAPID key, shows the state, sends a test, unsubscribes.
import { h, replace } from '../../dom.js';
import { request } from '../../api.js';
import { toast } from '../../announce.js';

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** The VAPID key (base64url) as the bytes PushManager.subscribe wants. */
function keyBytes(text) {
  const base64 = (text + '='.repeat((4 - (text.length % 4)) % 4)).replaceAll('-', '+').replaceAll('_', '/');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** This browser's service worker registration (registered at /sw.js, scope /). */
export function registration() {
  return navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .then(() => navigator.serviceWorker.ready);
}

/** Unsubscribe this browser, if it is subscribed: at sign-out, so a shared browser stops showing
 * the last account's reminders (its push service then answers 404/410 and the server forgets it). */
export async function forgetThisBrowser() {
  if (!supported()) return;
  const worker = await navigator.serviceWorker.getRegistration('/');
  const subscription = await worker?.pushManager.getSubscription();
  await subscription?.unsubscribe();
}

const SUBSCRIBE_TIMEOUT_MS = 15000;

/** `promise`, or a rejection after `ms` saying what did not answer. */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not answer`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function current() {
  const worker = await registration();
  return worker.pushManager.getSubscription();
}

/** The section's element: a card whose state line and buttons follow the browser's state. */
function render() {
  const state = h('p', { class: 'muted', role: 'status', id: 'push-state' }, 'Checking this browser…');
  const actions = h('div', { class: 'form-actions' });
  // the settings page gives the card and its "Notifications" heading
  const card = h('div', { 'data-section': 'push' },
    h('p', {}, 'Get your reminders as notifications in this browser, as well as by email. Each browser or device you turn this on in gets them.'),
    state, actions);

  const button = (label, onclick, tone = '') => h('button', { type: 'button', class: `btn ${tone}`.trim(), onclick }, label);

  async function refresh() {
    if (!supported()) {
      state.textContent = 'This browser cannot show push notifications.';
      replace(actions);
      return;
    }
    if (Notification.permission === 'denied') {
      state.textContent = 'Notifications are blocked for this site. Allow them in the browser’s site settings, then reload.';
      replace(actions);
      return;
    }
    let subscription = null;
    try {
      subscription = await current();
    } catch (error) {
      state.textContent = `The service worker could not start: ${error.message}`;
      replace(actions);
      return;
    }
    if (subscription) {
      state.textContent = 'On: reminders arrive as notifications in this browser.';
      replace(actions, button('Send a test notification', sendTest), button('Turn off', turnOff, 'btn-danger-quiet'));
    } else {
      state.textContent = 'Off in this browser.';
      replace(actions, button('Turn on notifications', turnOn, 'btn-primary'));
    }
  }

  async function turnOn(event) {
    const trigger = event?.currentTarget;
    try {
      if ((await Notification.requestPermission()) !== 'granted') {
        toast('Notifications were not allowed');
        return refresh();
      }
      if (trigger) trigger.disabled = true;
      state.textContent = 'Turning on…';
      const { public_key: key } = await request('GET', '/api/push/key');
      const worker = await registration();
      const subscription = await within(
        worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }),
        SUBSCRIBE_TIMEOUT_MS, 'The browser’s push service');
      await request('POST', '/api/push-subscriptions', { body: subscription.toJSON() });
      toast('Notifications are on');
    } catch (error) {
      toast(`Could not turn on notifications: ${error.message}`, { tone: 'error' });
    }
    return refresh();
  }

  async function turnOff() {
    try {
      const subscription = await current();
      if (subscription) {
        const { subscriptions } = await request('GET', '/api/push-subscriptions');
        const mine = subscriptions.find((s) => s.endpoint === subscription.endpoint);
        if (mine) await request('DELETE', `/api/push-subscriptions/${encodeURIComponent(mine.id)}`);
        await subscription.unsubscribe();
      }
      toast('Notifications are off in this browser');
    } catch (error) {
      toast(`Could not turn off notifications: ${error.message}`, { tone: 'error' });
    }
    return refresh();
  }

  async function sendTest() {
    try {
      const { results } = await request('POST', '/api/push/test');
      const sent = results.filter((r) => r.outcome === 'sent').length;
      toast(`Test notification sent to ${sent} of ${results.length} ${results.length === 1 ? 'browser' : 'browsers'}`);
    } catch (error) {
      toast(`Could not send a test: ${error.message}`, { tone: 'error' });
    }
  }

  refresh();
  return card;
}

export default { id: 'push', title: 'Notifications', render };
