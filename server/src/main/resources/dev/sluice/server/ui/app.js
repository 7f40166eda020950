// The dashboard's shell: a page per URL (History API, no full reloads), the navigation, the
// live-update indicator and the ticker that keeps "3 min ago" current. Each page is a module that
// draws into <main> from /api/v1 and stops its requests and streams when the page is left.

import {ApiError, changeToken, stream} from './lib/api.js';
import {h, replace} from './lib/dom.js';
import {refreshTimes} from './lib/format.js';
import {empty} from './parts/common.js';
import dashboard from './pages/dashboard.js';
import flows from './pages/flows.js';
import flow from './pages/flow.js';
import runs from './pages/runs.js';
import run from './pages/run.js';
import reserved from './pages/reserved.js';

const ROUTES = [
  {path: /^\/$/, nav: 'dashboard', page: dashboard},
  {path: /^\/flows$/, nav: 'flows', page: flows},
  {path: /^\/flows\/([^/]+)$/, nav: 'flows', page: flow, params: ['name']},
  {path: /^\/runs$/, nav: 'runs', page: runs},
  {path: /^\/runs\/([^/]+)$/, nav: 'runs', page: run, params: ['id']},
  {path: /^\/(deployments|work-queues|agents)$/, nav: null, page: reserved, params: ['what']},
];

const main = document.getElementById('main');
const live = document.getElementById('live');
let current = null; // the page on screen: {controller}

function find(pathname) {
  for (const route of ROUTES) {
    const m = route.path.exec(pathname);
    if (!m) continue;
    const params = {};
    (route.params || []).forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return {route, params};
  }
  return null;
}

async function show(focus) {
  current?.controller.abort();
  const controller = new AbortController();
  current = {controller};
  const {pathname, search} = window.location;
  const found = find(pathname);
  const nav = found ? (found.route.nav || found.params.what) : null;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  replace(main, h('p', {class: 'loading', role: 'status'}, 'Loading…'));
  const ctx = {
    main,
    params: found ? found.params : {},
    query: new URLSearchParams(search),
    signal: controller.signal,
    title: (text) => {
      document.title = text ? text + ' · Sluice' : 'Sluice';
    },
    /** Rewrites the URL's query (filters, tabs) without a new history entry or a redraw. */
    setQuery: (values) => {
      const q = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(values)) {
        q.delete(k);
        if (Array.isArray(v)) v.forEach((x) => x !== '' && q.append(k, x));
        else if (v !== undefined && v !== null && v !== '') q.set(k, v);
      }
      const text = q.toString();
      history.replaceState(history.state, '', window.location.pathname + (text ? '?' + text : ''));
    },
    navigate,
    follow: (onChange, onOpen, signal) => followChanges(signal || controller.signal, onChange,
      onOpen),
  };
  try {
    if (!found) {
      ctx.title('Not found');
      replace(main, empty('Page not found',
        ['There is no page at ', h('code', {}, pathname), '. ', h('a', {href: '/'},
          'Back to the dashboard'), '.']));
    } else {
      await found.route.page(ctx);
    }
    if (controller.signal.aborted) return;
    document.body.dataset.page = found ? (found.route.nav || 'reserved') : 'not-found';
    document.body.dataset.ready = String(Date.now());
    // The frame that shows the page's data (DashboardTiming reads it as the time to first render).
    requestAnimationFrame(() => performance.mark('sluice:ready'));
    if (focus) main.focus({preventScroll: true});
  } catch (e) {
    if (controller.signal.aborted || e.name === 'AbortError') return;
    replace(main, failure(e));
    document.body.dataset.ready = String(Date.now());
  }
}

function failure(e) {
  if (e instanceof ApiError && e.status === 401) {
    return h('div', {class: 'empty', role: 'alert'},
      h('h2', {}, 'This server needs a token'),
      h('p', {}, e.detail),
      h('button', {class: 'primary', on: {click: () => changeToken().then(() => show(),
        () => {})}}, 'Enter a token'));
  }
  if (e instanceof ApiError && e.status === 404) {
    return h('div', {class: 'empty', role: 'alert'}, h('h2', {}, 'Not found'), h('p', {}, e.detail),
      h('p', {}, h('a', {href: '/'}, 'Back to the dashboard')));
  }
  console.warn('the page failed', e);
  return h('div', {class: 'empty', role: 'alert'},
    h('h2', {}, 'The page could not be loaded'),
    h('p', {}, e instanceof ApiError ? e.detail : String(e.message || e)),
    h('button', {on: {click: () => show()}}, 'Try again'));
}

function navigate(url, {replace: replacing = false} = {}) {
  if (replacing) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  show(true);
  window.scrollTo(0, 0);
}

// ---- the change feed: one stream per tab, shared by the pages that follow it

const followers = new Set(); // {onChange}
let feedOpen = false;
let feedStarted = false;
let feedStop = null; // aborts the feed's stream

function startFeed() {
  feedStarted = true;
  feedStop = new AbortController();
  stream('/flow-runs/stream', {
    signal: feedStop.signal,
    until: [],
    onOpen: () => {
      feedOpen = true;
      live.hidden = followers.size === 0;
    },
    onEvent: (e) => {
      if (e.event !== 'change') return;
      for (const f of followers) f.onChange(e.data);
    },
  }).catch((e) => {
    console.warn('the change feed stopped', e);
    feedStarted = false;
    feedOpen = false;
    live.hidden = true;
  });
}

/**
 * Follows the change feed until `signal` fires: onChange gets {flowRunId, sequence, at} for each
 * changed run; onOpen is called once the feed is open (at once if it is already), so a page that
 * read its data before can read it again and miss nothing in between.
 */
function followChanges(signal, onChange, onOpen) {
  if (signal.aborted) return;
  const follower = {onChange};
  followers.add(follower);
  live.hidden = !feedOpen;
  signal.addEventListener('abort', () => {
    followers.delete(follower);
    if (followers.size === 0) live.hidden = true;
  }, {once: true});
  if (!feedStarted) startFeed();
  if (onOpen) waitForFeed().then(() => followers.has(follower) && onOpen());
}

function waitForFeed() {
  return new Promise((resolve) => {
    const check = () => (feedOpen ? resolve() : setTimeout(check, 50));
    check();
  });
}

// Clicks on links inside the app change the page without a reload.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
    return;
  }
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (/^\/(api|ui|webjars)\//.test(url.pathname)) return;
  if (url.pathname === window.location.pathname && url.search === window.location.search
      && url.hash) {
    return; // a jump within the page
  }
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => show(true));

// A page left (or put in the back-forward cache) closes its streams: the browser would otherwise
// keep their connections, and it has only six per server. Shown again from the cache, it redraws.
window.addEventListener('pagehide', () => {
  current?.controller.abort();
  feedStop?.abort();
  feedStarted = false;
  feedOpen = false;
});
window.addEventListener('pageshow', (e) => {
  if (e.persisted) show(false);
});

setInterval(() => refreshTimes(main), 1000);

show(false);
