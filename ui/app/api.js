// ui/app/api.js - the one way the UI talks to the server: the REST API of docs/api.md.
//
// Two ways to be signed in (CONTRACTS §7):
// - a password: POST /api/auth/login sets the HttpOnly session cookie and answers a CSRF token,
//   which every state-changing request repeats in X-CSRF-Token;
// - an API key (the first admin has only the key in data_dir/initial-admin-key): sent as
//   "Authorization: Bearer" on every request, no cookie, no CSRF.
// The CSRF token or the key lives in sessionStorage: it ends with the tab, and nothing of it
// goes into a URL or the log.

const STORE = 'ordo.auth';

export class ApiError extends Error {
  // details: the error body's list of problems (a 422's fields), or [].
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let auth = JSON.parse(sessionStorage.getItem(STORE) || 'null'); // {csrf} | {key}
let onSignedOut = () => {};
let signingIn = false; // a refused sign-in is the sign-in form's error, not a signed-out session

// Called with no arguments whenever the server says the credentials are gone (401).
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

function remember(value) {
  auth = value;
  if (value) sessionStorage.setItem(STORE, JSON.stringify(value));
  else sessionStorage.removeItem(STORE);
}

function headers(method, extra) {
  const out = { Accept: 'application/json', ...extra };
  if (auth && auth.key) out.Authorization = `Bearer ${auth.key}`;
  if (auth && auth.csrf && method !== 'GET') out['X-CSRF-Token'] = auth.csrf;
  return out;
}

// '/api/x' plus query parameters; null, undefined and '' values are left out.
export function url(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== null && v !== undefined && v !== '') params.append(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function failure(resp) {
  let code = `HTTP_${resp.status}`;
  let message = resp.statusText || `HTTP ${resp.status}`;
  let details = [];
  try {
    const body = await resp.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      details = Array.isArray(body.error.details) ? body.error.details : [];
    }
  } catch (_) {
    // not JSON: keep the status line
  }
  if (resp.status === 401 && auth && !signingIn) {
    remember(null);
    onSignedOut();
  }
  return new ApiError(resp.status, code, message, details);
}

// One request. body: an object (sent as JSON) or a string (sent as 'type'). Returns the parsed
// JSON answer, the text for non-JSON answers, or null for 204. Throws ApiError.
export async function request(method, path, body, opts = {}) {
  const extra = { ...(opts.headers || {}) };
  let payload;
  if (typeof body === 'string') {
    payload = body;
    extra['Content-Type'] = opts.type || 'application/xml';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    extra['Content-Type'] = 'application/json';
  }
  const resp = await fetch(path, {
    method, body: payload, headers: headers(method, extra), credentials: 'same-origin',
    signal: opts.signal,
  });
  if (!resp.ok) throw await failure(resp);
  if (resp.status === 204) return null;
  const type = resp.headers.get('Content-Type') || '';
  if (opts.raw) return resp;
  return type.includes('json') ? resp.json() : resp.text();
}

export const get = (path, query, opts) => request('GET', url(path, query), undefined, opts);
// Without a body, none is sent: routes that take none answer 413 to one.
export const post = (path, body, opts) => request('POST', path, body, opts);
export const put = (path, body, opts) => request('PUT', path, body, opts);
export const patch = (path, body, opts) => request('PATCH', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

// Server-sent events read through fetch (EventSource cannot send a Bearer key). Calls
// onEvent({event, data, id}) with data parsed as JSON when it is JSON; resolves when the
// stream ends; stops when 'signal' aborts.
export async function stream(path, onEvent, signal) {
  const resp = await fetch(path, {
    headers: headers('GET', { Accept: 'text/event-stream' }), credentials: 'same-origin', signal,
  });
  if (!resp.ok) throw await failure(resp);
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (signal && signal.aborted) return;
      throw e;
    }
    if (chunk.done) return;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev = { event: 'message', data: '', id: null };
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a keep-alive comment
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'event') ev.event = value;
        else if (name === 'data') data.push(value);
        else if (name === 'id') ev.id = value;
      }
      if (!data.length) continue;
      ev.data = data.join('\n');
      try {
        ev.data = JSON.parse(ev.data);
      } catch (_) {
        // plain text data stays text
      }
      onEvent(ev);
    }
  }
}

// ---- signing in and out ----

export async function loginWithPassword(login, password) {
  remember(null);
  const answer = await post('/api/auth/login', { login, password });
  remember({ csrf: answer.csrfToken });
  return answer.user;
}

export async function loginWithKey(key) {
  remember({ key });
  signingIn = true;
  try {
    return await get('/api/me');
  } catch (e) {
    remember(null);
    throw e;
  } finally {
    signingIn = false;
  }
}

export async function logout() {
  try {
    if (auth && auth.csrf) await post('/api/auth/logout');
  } finally {
    remember(null);
  }
}

// The signed-in user ({userKey, login, email, roles, groups}), or null when nobody is.
export async function me() {
  if (!auth) return null;
  try {
    return await get('/api/me');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}
