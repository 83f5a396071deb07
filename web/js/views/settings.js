// Settings page: each section of SECTIONS rendered in turn.
import { h, replace } from '../dom.js';
import { SECTIONS } from '../components/settings/index.js';

export function settingsPage(host) {
  const heading = h('h1', { tabindex: '-1', class: 'page-title', id: 'page-title' }, 'Settings');
  replace(host, h('section', { class: 'page page-narrow', 'aria-labelledby': heading.id },
    h('header', { class: 'page-head' }, heading),
    ...SECTIONS.map((section) => section.render())));
  return { heading };
}
