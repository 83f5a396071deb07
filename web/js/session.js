// The signed-in session (bearer token) in localStorage, shared by every tab of this origin.
//
// Why localStorage and not sessionStorage: sessionStorage is per tab, so a second tab (or a
// link opened in a new tab) would ask to sign in again, and signing out in one tab could not
// reach the others. Both are equally readable by a script running on the page, which the
// strict CSP and text-only rendering guard against; the token also expires (24 h by default).

const KEY = 'taskai.session';
const KNOWN = 'taskai.known'; // set once someone has signed in on this browser: show sign-in, not sign-up

export function token() {
  const session = read();
  if (!session) return null;
  if (session.expiresAt && session.expiresAt <= Date.now()) {
    clear();
    return null;
  }
  return session.token;
}

export function save({ access_token: accessToken, expires_in: expiresIn }) {
  const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : null;
  localStorage.setItem(KEY, JSON.stringify({ token: accessToken, expiresAt }));
  localStorage.setItem(KNOWN, '1');
}

export function clear() {
  localStorage.removeItem(KEY);
}

export function seenBefore() {
  return localStorage.getItem(KNOWN) === '1';
}

/** Call `onSignedOut` when another tab signs out (removes the token). */
export function watchOtherTabs(onSignedOut) {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY && !event.newValue) onSignedOut();
  });
}

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}
