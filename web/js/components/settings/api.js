// The settings pages' calls: API tokens, webhooks, the calendar feed, and import/export (issue 17).
import { request, ApiError } from '../../api.js';
import * as session from '../../session.js';

const id = (value) => encodeURIComponent(value);

export const settingsApi = {
  tokens: () => request('GET', '/api/tokens'),
  createToken: (body) => request('POST', '/api/tokens', { body }),
  revokeToken: (tokenId) => request('DELETE', `/api/tokens/${id(tokenId)}`),

  webhooks: () => request('GET', '/api/webhooks'),
  createWebhook: (body) => request('POST', '/api/webhooks', { body }),
  updateWebhook: (hookId, body) => request('PATCH', `/api/webhooks/${id(hookId)}`, { body }),
  deleteWebhook: (hookId) => request('DELETE', `/api/webhooks/${id(hookId)}`),
  deliveries: (hookId) => request('GET', `/api/webhooks/${id(hookId)}/deliveries`, { query: { limit: 10 } }),

  calendar: () => request('GET', '/api/calendar'),
  rotateCalendar: () => request('POST', '/api/calendar/token'),

  /** The export as a Blob (the server streams it; the browser keeps it until saved). */
  exportBlob: async () => (await send('GET', '/api/export')).blob(),
  /** Import a File: TaskAI's JSON export, or Todoist's CSV when `todoist`; resolves the report. */
  importFile: async (file, { todoist }) => {
    if (!todoist) return (await send('POST', '/api/import', { body: file, type: 'application/json' })).json();
    const form = new FormData(); // a multipart file: its name names the project
    form.append('file', file);
    return (await send('POST', '/api/import/todoist', { body: form })).json();
  },
};

/** fetch with the session's bearer token and a body that is not JSON; ApiError for a failure. */
async function send(method, path, { body, type } = {}) {
  const headers = { Authorization: `Bearer ${session.token()}` };
  if (type) headers['Content-Type'] = type;
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'Cannot reach TaskAI. Check your connection.' });
  }
  if (response.ok) return response;
  const data = await response.json().catch(() => null);
  throw new ApiError(response.status, data?.error);
}
