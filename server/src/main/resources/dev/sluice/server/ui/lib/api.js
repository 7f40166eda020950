// The dashboard's one way to the server: the public API under /api/v1, with the tab's token (if the
// server needs one) sent as an Authorization header, never in a URL. A 401 opens the token prompt
// and the call is made again with the token given.

const BASE = '/api/v1';
const TOKEN_KEY = 'sluice.api-token';

/** An API error: the HTTP status and the API's {error, detail}. */
export class ApiError extends Error {
  constructor(status, kind, detail) {
    super(detail || kind || 'HTTP ' + status);
    this.status = status;
    this.kind = kind;
    this.detail = detail;
  }
}

export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function setToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // a browser without storage keeps no token; the prompt comes back on the next 401
  }
}

function headers(extra) {
  const h = {Accept: 'application/json', ...extra};
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

/** A query string from an object; arrays repeat the key; empty values are left out. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.append(k, String(v));
  }
  const text = q.toString();
  return text ? '?' + text : '';
}

/**
 * Calls the API: api('/flow-runs', {query: {limit: 50}, signal}). Resolves to the parsed JSON (null
 * for 204); rejects with ApiError (or AbortError when the signal fires).
 */
export async function api(path, {method = 'GET', body, signal, query: q} = {}) {
  for (;;) {
    const sent = token();
    const res = await fetch(BASE + path + query(q), {
      method,
      headers: headers(body === undefined ? {} : {'Content-Type': 'application/json'}),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
      credentials: 'omit',
    });
    if (res.status === 401) {
      const error = await errorOf(res);
      await askForToken(error.detail, sent, signal);
      continue;
    }
    if (!res.ok) throw await errorOf(res);
    if (res.status === 204) return null;
    return res.json();
  }
}

async function errorOf(res) {
  let kind = null;
  let detail = null;
  try {
    const body = await res.json();
    kind = body.error;
    detail = body.detail;
  } catch {
    detail = res.status === 502 || res.status === 504 ? 'the server cannot be reached' : null;
  }
  return new ApiError(res.status, kind, detail || 'the server answered ' + res.status);
}

// ---- the token prompt

let prompt = null; // the open prompt's promise, shared by every call that got a 401

/**
 * Shows the token prompt (once, however many calls are waiting) and resolves when a token was
 * given; rejects with a 401 ApiError when the user closes it. `sent` is the token the refused call
 * carried: when another call has stored a new one since, the caller just tries again.
 */
export function askForToken(detail, sent, signal) {
  if (token() && token() !== sent) return Promise.resolve();
  if (!prompt) {
    prompt = new Promise((resolve, reject) => {
      const dialog = document.getElementById('token-dialog');
      const form = document.getElementById('token-form');
      const input = document.getElementById('token-input');
      const reason = document.getElementById('token-reason');
      const cancel = document.getElementById('token-cancel');
      reason.textContent = sent
        ? 'The token this tab had was refused: ' + (detail || 'unauthorized') + '.'
        : 'Enter an API token to see the runs.';
      input.value = '';
      const done = (ok) => {
        form.removeEventListener('submit', onSubmit);
        cancel.removeEventListener('click', onCancel);
        dialog.removeEventListener('cancel', onCancel);
        if (dialog.open) dialog.close();
        prompt = null;
        if (ok) resolve();
        else reject(new ApiError(401, 'unauthorized', detail || 'this server needs a token'));
      };
      const onSubmit = (e) => {
        e.preventDefault();
        const value = input.value.trim();
        if (!value) return;
        setToken(value);
        done(true);
      };
      const onCancel = (e) => {
        e.preventDefault();
        done(false);
      };
      form.addEventListener('submit', onSubmit);
      cancel.addEventListener('click', onCancel);
      dialog.addEventListener('cancel', onCancel);
      dialog.showModal();
      input.focus();
    });
  }
  if (!signal) return prompt;
  return new Promise((resolve, reject) => {
    const abort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, {once: true});
    prompt.then(resolve, reject);
  });
}

/** Forgets the tab's token and asks for one again. */
export function changeToken() {
  const sent = token();
  setToken(null);
  return askForToken(null, sent);
}

// ---- live streams (Server-Sent Events over fetch, so the token travels as a header)

/**
 * Follows an SSE route: stream('/flow-runs/stream', {signal, onEvent, onOpen}). Each event is
 * {event, id, data} with data parsed as JSON. Reconnects after a dropped connection, sending
 * Last-Event-ID so nothing is missed or repeated; stops when the signal fires or an event named in
 * `until` arrives (the log stream's "end"). Resolves when it stops.
 */
export async function stream(path, {signal, onEvent, onOpen, after, until = ['end']} = {}) {
  let lastId = after === undefined || after === null ? null : String(after);
  let delay = 500;
  while (!signal?.aborted) {
    let ended = false;
    try {
      const extra = {Accept: 'text/event-stream'};
      if (lastId !== null) extra['Last-Event-ID'] = lastId;
      const sent = token();
      const res = await fetch(BASE + path, {headers: headers(extra), signal, cache: 'no-store',
        credentials: 'omit'});
      if (res.status === 401) {
        await askForToken((await errorOf(res)).detail, sent, signal);
        continue;
      }
      if (res.status === 404 || res.status === 400 || res.status === 403) {
        throw await errorOf(res);
      }
      if (!res.ok || !res.body) throw new Error('stream answered ' + res.status);
      delay = 500;
      onOpen?.();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = sseParser((e) => {
        if (e.id !== null) lastId = e.id;
        let data = e.data;
        try {
          data = JSON.parse(e.data);
        } catch {
          // not JSON: handed over as text
        }
        onEvent?.({event: e.event, id: e.id, data});
        if (until.includes(e.event)) ended = true;
      });
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        parser(value);
        if (ended) {
          reader.cancel().catch(() => {});
          return;
        }
      }
    } catch (e) {
      if (signal?.aborted || e.name === 'AbortError') return;
      if (e instanceof ApiError) throw e;
      // dropped or refused: try again shortly
    }
    if (ended) return;
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 10_000);
  }
}

/** An incremental text/event-stream parser: feed it chunks, it calls back once per event. */
export function sseParser(onEvent) {
  let buffer = '';
  let event = 'message';
  let data = [];
  let id = null;
  return (chunk) => {
    buffer += chunk;
    let start = 0;
    for (;;) {
      let end = buffer.indexOf('\n', start);
      if (end < 0) break;
      let line = buffer.slice(start, end);
      start = end + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) onEvent({event, id, data: data.join('\n')});
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // a comment (keep-alive)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    buffer = buffer.slice(start);
  };
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, {once: true});
  });
}
