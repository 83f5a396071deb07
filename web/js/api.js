// HTTP client for /api: JSON in and out, the bearer token, typed errors, and 401 → signed out.
import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message || `request failed (${status})`);
    this.status = status;
    this.code = error.code || 'error';
    this.fields = error.fields || {};
  }
}

let onUnauthorized = () => {};
/** Called once per 401 on an authenticated request (the token expired or was revoked). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export async function request(method, path, { body, query, signal, keepalive } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = session.token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path + queryString(query), {
      method, headers, signal, keepalive, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'network', message: 'Cannot reach TaskAI. Check your connection.' });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return data;
  const apiError = new ApiError(response.status, data?.error);
  if (response.status === 401 && bearer) onUnauthorized(apiError);
  throw apiError;
}

function queryString(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value == null || value === '' || (Array.isArray(value) && !value.length)) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const get = (path, query, signal) => request('GET', path, { query, signal });
const post = (path, body, signal) => request('POST', path, { body, signal });
const patch = (path, body) => request('PATCH', path, { body });
const del = (path, query) => request('DELETE', path, { query, keepalive: true }); // outlives the page (a delete sent on leaving)
const id = (value) => encodeURIComponent(value);

export const api = {
  register: (body) => post('/api/auth/register', body),
  login: (body) => post('/api/auth/login', body),
  me: () => get('/api/auth/me'),
  updateMe: (body) => patch('/api/auth/me', body),
  changePassword: (body) => post('/api/auth/password', body),
  logout: () => post('/api/auth/logout'),

  listTasks: (query, signal) => get('/api/tasks', query, signal),
  createTask: (body) => post('/api/tasks', body),
  getTask: (taskId) => get(`/api/tasks/${id(taskId)}`),
  updateTask: (taskId, body) => patch(`/api/tasks/${id(taskId)}`, body),
  deleteTask: (taskId) => del(`/api/tasks/${id(taskId)}`),
  completeTask: (taskId) => post(`/api/tasks/${id(taskId)}/complete`),
  reopenTask: (taskId) => post(`/api/tasks/${id(taskId)}/reopen`),
  skipTask: (taskId) => post(`/api/tasks/${id(taskId)}/skip`),
  series: (taskId, after = 0) => get(`/api/tasks/${id(taskId)}/series?after=${Number(after) || 0}`),
  moveTask: (taskId, body) => post(`/api/tasks/${id(taskId)}/move`, body), // subtasks and manual order (issue 16)
  sync: (cursor, signal) => get('/api/sync', { cursor }, signal),

  tags: (q, signal) => get('/api/tags', { q, limit: 20 }, signal),
  createTag: (body) => post('/api/tags', body),
  updateTag: (tagId, body) => patch(`/api/tags/${id(tagId)}`, body),
  deleteTag: (tagId) => del(`/api/tags/${id(tagId)}`),

  // projects, sections and saved filters (issue 16)
  createProject: (body) => post('/api/projects', body),
  updateProject: (projectId, body) => patch(`/api/projects/${id(projectId)}`, body),
  deleteProject: (projectId, moveTo) => del(`/api/projects/${id(projectId)}`, { move_to: moveTo }),
  createSection: (projectId, body) => post(`/api/projects/${id(projectId)}/sections`, body),
  updateSection: (sectionId, body) => patch(`/api/sections/${id(sectionId)}`, body),
  deleteSection: (sectionId) => del(`/api/sections/${id(sectionId)}`),
  createFilter: (body) => post('/api/filters', body),
  updateFilter: (filterId, body) => patch(`/api/filters/${id(filterId)}`, body),
  deleteFilter: (filterId) => del(`/api/filters/${id(filterId)}`),

  // place: the default {project_id} of the page typed on; a typed +project or /section wins
  parse: (text, timezone, signal, place = {}) => post('/api/ai/parse', { text, timezone, ...place }, signal),
  quickAdd: (text, timezone, place = {}) => post('/api/ai/tasks', { text, timezone, ...place }),
};
