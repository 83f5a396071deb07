// Entry point: routes, signing in and out, and wiring the shell, sync and shortcuts together.
import { h, replace } from './dom.js';
import { api, whenUnauthorized } from './api.js';
import * as session from './session.js';
import * as store from './store.js';
import * as sync from './sync.js';
import * as router from './router.js';
import { announce, toast } from './announce.js';
import { VIEWS } from './lists.js';
import { mountShell } from './views/shell.js';
import { tasksPage } from './views/tasks.js';
import { tagsPage } from './views/tags.js';
import { profilePage } from './views/profile.js';
import { settingsPage } from './views/settings.js';
import { projectPage } from './views/project.js';
import { authPage } from './views/auth.js';
import { installShortcuts } from './shortcuts.js';
import { openEditor } from './components/editor.js';
import { forgetThisBrowser } from './components/settings/push.js';
import { flushDeletes } from './actions.js';

const root = document.getElementById('app');
let shell = null;
let page = null;
let entering = null;
let notice = null; // why the visitor landed on sign-in (an expired session)

function signedIn() {
  return Boolean(session.token());
}

/** Load the account and mount the app frame once per sign-in. */
function enter() {
  entering ||= (async () => {
    const user = await api.me();
    store.setUser(user);
    shell = mountShell(root, { onSignOut: () => signOut() });
    root.removeAttribute('aria-busy');
    sync.start().catch((error) => {
      if (error.status !== 401) toast(`Could not load your tasks: ${error.message}`, { tone: 'error', timeout: 0 });
    });
  })();
  return entering;
}

function signOut({ reason } = {}) {
  flushDeletes(); // with this session's token, before it ends
  forgetThisBrowser().catch(() => {}); // a shared browser shows no more of this account's reminders
  if (!reason && session.token()) api.logout().catch(() => {}); // end it on the server too
  sync.stop();
  session.clear();
  page?.destroy?.();
  shell?.destroy();
  page = shell = entering = null;
  store.reset();
  notice = reason || null;
  router.navigate('/signin', { replace: true });
  if (!reason) announce('Signed out');
}

function showAuth(mode) {
  page?.destroy?.();
  page = null;
  document.title = `${mode === 'signup' ? 'Sign up' : 'Sign in'} · TaskAI`;
  root.removeAttribute('aria-busy');
  const why = notice;
  notice = null;
  authPage(root, {
    mode, notice: why,
    onSignedIn: async (response) => {
      session.save(response);
      await enter();
      router.navigate('/today', { replace: true });
      announce(mode === 'signup' ? 'Account created. Welcome to TaskAI!' : 'Signed in');
    },
  });
}

/** Render a signed-in page into the shell, or send the visitor to sign in. */
function signedInPage(render, { title, listPath = null, withQuickAdd = false, target = () => null } = {}) {
  return async ({ focus, match }) => {
    if (!signedIn()) {
      router.navigate(session.seenBefore() ? '/signin' : '/signup', { replace: true });
      return;
    }
    try {
      await enter();
    } catch (error) {
      entering = null;
      if (error.status === 401) return; // signOut ran
      replace(root, h('main', { class: 'auth' }, h('div', { class: 'auth-card' },
        h('h1', {}, 'TaskAI is not reachable'), h('p', { role: 'alert' }, error.message),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => location.reload() }, 'Try again'))));
      return;
    }
    page?.destroy?.();
    document.title = `${title(match)} · TaskAI`;
    shell.showing({ listPath, withQuickAdd, target: target(match) });
    page = render(shell.page, match);
    if (focus) page?.heading?.focus();
  };
}

/** Show the task `taskId` in its project with its editor open; a task that is gone says so. */
async function openTaskLink(taskId) {
  let task = store.state.tasks.get(taskId);
  try {
    task ||= await api.getTask(taskId); // the first page may open before sync has loaded
  } catch (error) {
    if (error.status === 401) return; // signOut ran
    await router.navigate('/today', { replace: true });
    toast(error.status === 404 ? 'That task no longer exists' : error.message, { tone: 'error' });
    return;
  }
  await router.navigate(`/projects/${task.project_id}`, { replace: true });
  openEditor(task);
}

const listPage = (key) => signedInPage((host) => tasksPage(host, key), {
  title: () => VIEWS[key].title, listPath: `/${key}`, withQuickAdd: true,
});

for (const key of Object.keys(VIEWS)) router.route(`/${key}`, listPage(key));
router.route('/search', signedInPage((host) => tasksPage(host, 'search'), {
  title: () => `Search: ${router.params().get('q') || ''}`, withQuickAdd: true,
}));
// projects and saved filters (issue 16); a name not loaded yet shows as the generic title
const named = (kind, fallback) => (match) => store.state[kind].get(match[1])?.name || fallback;
router.route(/^\/projects\/([\w-]+)$/, signedInPage((host, match) => projectPage(host, match[1]), {
  title: named('projects', 'Project'), withQuickAdd: true, target: (match) => ({ project_id: match[1] }),
}));
router.route(/^\/filters\/([\w-]+)$/, signedInPage((host, match) => tasksPage(host, 'all', { savedFilter: match[1] }), {
  title: named('filters', 'Filter'), withQuickAdd: true,
}));
router.route('/tags', signedInPage((host) => tagsPage(host), { title: () => 'Tags' }));
router.route('/profile', signedInPage((host) => profilePage(host, { onSignOut: () => signOut() }), { title: () => 'Profile' }));
router.route('/settings', signedInPage((host) => settingsPage(host), { title: () => 'Settings' }));
// A task's own link (reminder emails, push notifications): its project, with its editor open.
router.route(/^\/tasks\/([\w-]+)$/, signedInPage((host, match) => openTaskLink(match[1]), { title: () => 'Task' }));
router.route('/signin', () => (signedIn() ? router.navigate('/today', { replace: true }) : showAuth('signin')));
router.route('/signup', () => (signedIn() ? router.navigate('/today', { replace: true }) : showAuth('signup')));
router.route(/.*/, () => router.navigate('/today', { replace: true }));

whenUnauthorized(() => {
  if (shell || entering) signOut({ reason: 'Your session has ended. Please sign in again.' });
});
session.watchOtherTabs(() => signOut());
installShortcuts({
  signedIn: () => Boolean(shell),
  focusQuickAdd: () => shell?.focusQuickAdd(),
  focusSearch: () => shell?.focusSearch(),
  list: () => (page && page.toggle ? page : null),
});
router.start();
