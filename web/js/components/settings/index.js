// The settings page's sections, in order: each `{ id, title, render }`, render() giving an element.
// (A minimal list for Web Push; the settings pages add their own sections beside it.)
import push from './push.js';

export const SECTIONS = [push];
