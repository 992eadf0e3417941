// api.js: the one way the console talks to the JSON API.
// Sends the API key (from sessionStorage only) as "Authorization: Bearer <key>", turns
// application/problem+json answers into ApiError (status, problem, readable message), and hands 401/403
// to the sign-in (AuthError). The key never goes into a URL.

const KEY_NAME = 'participant-sync.api-key';

export function getKey() {
  try { return sessionStorage.getItem(KEY_NAME) || null; } catch { return null; }
}
export function setKey(key) {
  try { sessionStorage.setItem(KEY_NAME, key); } catch { /* storage disabled: the key lasts this page only */ }
  memoryKey = key;
}
export function clearKey() {
  try { sessionStorage.removeItem(KEY_NAME); } catch { /* nothing kept */ }
  memoryKey = null;
}
let memoryKey = null;
function currentKey() {
  return getKey() || memoryKey;
}

export class ApiError extends Error {
  constructor(status, problem, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}
/** 401/403: the sign-in takes over; views just stop. */
export class AuthError extends ApiError {
  constructor(status, problem, message, keySent) {
    super(status, problem, message);
    this.name = 'AuthError';
    this.keySent = keySent;
  }
}

let authFailureHandler = () => {};
export function onAuthFailure(handler) {
  authFailureHandler = handler;
}

export function apiUrl(path, query) {
  const params = new URLSearchParams();
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v != null && v !== '') params.set(k, String(v));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function readProblem(res) {
  const type = res.headers.get('Content-Type') || '';
  try {
    if (type.includes('json')) return await res.json();
    const text = (await res.text()).trim();
    return text ? { detail: text.slice(0, 500) } : null;
  } catch {
    return null;
  }
}

function problemMessage(res, problem) {
  if (problem && (problem.detail || problem.title)) return problem.detail || problem.title;
  return `HTTP ${res.status} ${res.statusText || ''}`.trim();
}

/**
 * Calls the API. options: method, query (object; empty values left out), body (sent as JSON), signal,
 * key (override, e.g. the key being tried at sign-in), auth (false: a 401/403 is only thrown, the sign-in
 * is not started), accept.
 * Resolves to the Response when it is 2xx; otherwise throws ApiError / AuthError.
 */
export async function request(path, options = {}) {
  const { method = 'GET', query, body, signal, auth = true, accept = 'application/json' } = options;
  const key = options.key !== undefined ? options.key : currentKey();
  const headers = { Accept: accept };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(apiUrl(path, query), {
      method, headers, signal, cache: 'no-store', credentials: 'same-origin', redirect: 'error',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, null, 'Cannot reach participant-sync: is the service running?');
  }
  if (res.ok) return res;
  const problem = await readProblem(res);
  if (res.status === 401 || res.status === 403) {
    const err = new AuthError(res.status, problem, problemMessage(res, problem), Boolean(key));
    if (auth) authFailureHandler(err);
    throw err;
  }
  throw new ApiError(res.status, problem, problemMessage(res, problem));
}

/** GET (or any method) answering JSON: resolves to the parsed body. */
export async function getJson(path, options) {
  const res = await request(path, options);
  if (res.status === 204) return null;
  return res.json();
}

/** POST a JSON body: resolves to {status, data}. */
export async function postJson(path, body, options = {}) {
  const res = await request(path, { ...options, method: 'POST', body });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : null };
}

/** Downloads a file with the Authorization header (a plain link cannot send it): Blob + object URL. */
export async function download(path, fallbackName) {
  const res = await request(path, { accept: '*/*' });
  const blob = await res.blob();
  const name = fileNameFrom(res.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}

function fileNameFrom(disposition) {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  let name = null;
  if (star) {
    try { name = decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')); } catch { name = null; }
  }
  if (!name) {
    const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
    name = plain ? plain[1].trim() : null;
  }
  return name ? name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') : null;
}
