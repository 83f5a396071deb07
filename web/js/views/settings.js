// Settings page: API tokens, webhooks, calendar feed, import and export (issue 17), one card per section module.
import { h, replace } from '../dom.js';
import { SECTIONS } from '../components/settings/index.js';

export function settingsPage(host) {
  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' }, 'Settings');
  const contents = h('nav', { class: 'settings-toc', 'aria-label': 'Settings sections' },
    h('ul', {}, SECTIONS.map(({ id, title }) => h('li', {}, h('a', { href: `#settings-${id}`, class: 'btn btn-quiet' }, title)))));
  const cards = SECTIONS.map(({ id, title, render }) => h('section', {
    class: 'card settings-section', id: `settings-${id}`, 'aria-labelledby': `settings-${id}-h`, tabindex: '-1',
  }, h('h2', { id: `settings-${id}-h` }, title), render()));
  replace(host, h('section', { class: 'page page-narrow', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading,
      h('p', { class: 'page-subtitle' }, 'Connect scripts, other apps and calendars; bring your tasks in or take them out.')),
    contents, cards));
  // In-page links: move focus to the section (the router leaves "#…" links alone).
  contents.addEventListener('click', (event) => {
    const link = event.target.closest('a');
    if (!link) return;
    event.preventDefault();
    const target = document.getElementById(link.getAttribute('href').slice(1));
    target.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  });
  return { heading, destroy: () => {} };
}
