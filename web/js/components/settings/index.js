// The settings sections in display order; each is { id, title, render() → element }. Notifications (push.js) goes last.
import tokens from './tokens.js';
import webhooks from './webhooks.js';
import calendar from './calendar.js';
import transfer from './transfer.js';
import push from './push.js';

export const SECTIONS = [tokens, webhooks, calendar, transfer, push];
