// History-API routing: /today, /tags, /search?q=… map to views; links are plain <a href>.

const routes = [];
let current = null;

export function route(pattern, render) {
  routes.push({ pattern, render });
}

export function path() {
  return location.pathname;
}

export function params() {
  return new URLSearchParams(location.search);
}

/** Go to `to` (adding a history entry unless `replace`), then render its view. */
export function navigate(to, { replace = false, focus = true } = {}) {
  const url = new URL(to, location.origin);
  if (url.pathname + url.search !== location.pathname + location.search) {
    history[replace ? 'replaceState' : 'pushState'](null, '', url.pathname + url.search);
  }
  return render({ focus });
}

/** Update the query string of the current page without rendering again. */
export function setParams(values) {
  const query = params();
  for (const [key, value] of Object.entries(values)) {
    if (value) query.set(key, value);
    else query.delete(key);
  }
  const text = query.toString();
  history.replaceState(null, '', location.pathname + (text ? `?${text}` : ''));
}

export function render({ focus = false } = {}) {
  const here = location.pathname;
  for (const { pattern, render: view } of routes) {
    const match = typeof pattern === 'string' ? (pattern === here ? [] : null) : pattern.exec(here);
    if (match) {
      current = here;
      return view({ match, focus });
    }
  }
  return null;
}

export function start() {
  window.addEventListener('popstate', () => render({ focus: true }));
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href^="/"]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (link.target || link.hasAttribute('download')) return;
    event.preventDefault();
    navigate(link.getAttribute('href'));
  });
  return render();
}

export function currentPath() {
  return current;
}
