// The flow runs: filters (flow, state, tags, time range, name or id), newest first, 50 a page by
// keyset cursor; the page re-reads itself when the change feed says runs started or ended.
// Every filter lives in the URL, so a filtered list can be linked.

import {api} from '../lib/api.js';
import {debounce, h, replace, throttle} from '../lib/dom.js';
import {GROUPS, absolute, count} from '../lib/format.js';
import {demoHint, empty, pageHead, runTable} from '../parts/common.js';
import {RANGES} from './dashboard.js';

const PAGE = 50;

/** The list's filters from a URL query. */
export function filtersOf(q) {
  return {
    flow: q.get('flow') || '',
    states: q.getAll('state'),
    tags: q.getAll('tag'),
    range: RANGES[q.get('range')] ? q.get('range') : '',
    since: q.get('since') || '',
    until: q.get('until') || '',
    q: q.get('q') || '',
  };
}

/** The API query of those filters. */
export function apiQuery(f, now = Date.now()) {
  const since = f.range ? new Date(now - RANGES[f.range].span).toISOString() : f.since;
  return {flow: f.flow, state: f.states, tag: f.tags, since, until: f.range ? '' : f.until,
    q: f.q};
}

export default async function runs(ctx) {
  ctx.title('Flow runs');
  const f = filtersOf(ctx.query);
  let cursor = ctx.query.get('cursor') || null;
  const stack = []; // cursors of the newer pages, to go back
  const flowsReady = api('/flows', {signal: ctx.signal}).then((b) => b.items).catch(() => []);

  const flowSelect = h('select', {id: 'filter-flow', name: 'flow'},
    h('option', {value: ''}, 'All flows'));
  const stateBoxes = GROUPS.map((g) => {
    const checked = g.names.some((n) => f.states.some((s) => s.toLowerCase() === n.toLowerCase()));
    const box = h('input', {type: 'checkbox', name: 'state', value: g.key, checked,
      id: 'filter-state-' + g.key});
    return {g, box, label: h('label', {class: ['chip', 'st-' + g.key], for: box.id}, box,
      h('span', {class: 'swatch', 'aria-hidden': 'true'}), g.label)};
  });
  const tagInput = h('input', {type: 'text', id: 'filter-tags', name: 'tag',
    placeholder: 'nightly, etl', value: f.tags.join(', ')});
  const rangeSelect = h('select', {id: 'filter-range', name: 'range'},
    h('option', {value: ''}, 'Any time'),
    Object.entries(RANGES).map(([k, r]) => h('option', {value: k, selected: k === f.range},
      'Last ' + r.label)));
  const searchInput = h('input', {type: 'search', id: 'filter-q', name: 'q',
    placeholder: 'Run name or id', value: f.q});
  const window_ = h('span', {class: 'chip window', hidden: !(f.since || f.until)});
  const clear = h('button', {type: 'button', id: 'filter-clear'}, 'Clear filters');
  const form = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter flow runs',
    on: {submit: (e) => e.preventDefault()}},
  field('Flow', flowSelect),
  h('fieldset', {class: 'states'}, h('legend', {}, 'State'), stateBoxes.map((s) => s.label)),
  field('Tags', tagInput),
  field('Started', rangeSelect),
  field('Search', searchInput),
  h('div', {class: 'filter-actions'}, window_, clear));
  const status = h('p', {class: 'muted small', id: 'runs-status', role: 'status'});
  const body = h('div', {id: 'runs'});
  const pager = h('div', {class: 'pager'});
  replace(ctx.main, pageHead({title: 'Flow runs'}), form, h('div', {class: 'card flush'}, body),
    h('div', {class: 'list-foot'}, status, pager));

  function field(label, input) {
    return h('div', {class: 'field'}, h('label', {for: input.id}, label), input);
  }

  function drawWindow() {
    window_.hidden = !(f.since || f.until) || Boolean(f.range);
    replace(window_, 'Started ' + (f.since ? 'from ' + absolute(f.since) : '')
      + (f.until ? ' until ' + absolute(f.until) : '') + ' ',
    h('button', {type: 'button', class: 'x', 'aria-label': 'Remove the time window',
      on: {click: () => {
        f.since = '';
        f.until = '';
        changed();
      }}}, '×'));
  }
  drawWindow();

  function read() {
    f.flow = flowSelect.value;
    f.states = stateBoxes.filter((s) => s.box.checked).flatMap((s) => s.g.names);
    f.tags = tagInput.value.split(',').map((t) => t.trim()).filter(Boolean);
    f.range = rangeSelect.value;
    if (f.range) {
      f.since = '';
      f.until = '';
    }
    f.q = searchInput.value.trim();
  }

  function changed() {
    read();
    cursor = null;
    stack.length = 0;
    ctx.setQuery({flow: f.flow, state: f.states, tag: f.tags, range: f.range, since: f.since,
      until: f.until, q: f.q, cursor: null});
    drawWindow();
    refresh();
  }
  const changedSoon = debounce(changed, 250);
  for (const el of [flowSelect, rangeSelect, ...stateBoxes.map((s) => s.box)]) {
    el.addEventListener('change', changed);
  }
  tagInput.addEventListener('input', changedSoon);
  searchInput.addEventListener('input', changedSoon);
  clear.addEventListener('click', () => {
    flowSelect.value = '';
    stateBoxes.forEach((s) => {
      s.box.checked = false;
    });
    tagInput.value = '';
    rangeSelect.value = '';
    searchInput.value = '';
    f.since = '';
    f.until = '';
    changed();
  });

  let generation = 0;
  async function load() {
    const mine = ++generation;
    const page = await api('/flow-runs', {signal: ctx.signal,
      query: {...apiQuery(f), limit: PAGE, cursor}});
    if (mine !== generation) return; // a newer load is on its way
    const filtered = f.flow || f.states.length || f.tags.length || f.range || f.since || f.until
      || f.q;
    if (!page.items.length) {
      replace(body, filtered
        ? empty('No runs match these filters', 'Widen them, or ',
          h('button', {type: 'button', class: 'link-like', on: {click: () => clear.click()}},
            'clear them'), '.')
        : cursor ? empty('No older runs', '') : empty('No runs yet', demoHint()));
    } else {
      replace(body, runTable(page.items));
    }
    status.textContent = page.items.length
      ? 'Showing ' + count(page.items.length) + (page.items.length === 1 ? ' run' : ' runs')
        + (stack.length ? ', page ' + (stack.length + 1) : '') + ', newest first.'
      : '';
    replace(pager,
      h('button', {type: 'button', id: 'page-newer', disabled: !cursor, on: {click: () => {
        cursor = stack.pop() || null;
        ctx.setQuery({cursor});
        refresh();
      }}}, '‹ Newer'),
      h('button', {type: 'button', id: 'page-older', disabled: !page.nextCursor, on: {click: () => {
        stack.push(cursor);
        cursor = page.nextCursor;
        ctx.setQuery({cursor});
        refresh();
      }}}, 'Older ›'));
    body.dataset.loaded = String(Date.now());
  }
  const refresh = () => load().catch((e) => {
    if (e.name === 'AbortError') return;
    replace(body, empty('The runs could not be read', e.detail || String(e.message)));
  });

  await load();
  flowsReady.then((items) => {
    for (const fl of items) {
      flowSelect.appendChild(h('option', {value: fl.name, selected: fl.name === f.flow}, fl.name));
    }
    if (f.flow && !items.some((fl) => fl.name === f.flow)) {
      flowSelect.appendChild(h('option', {value: f.flow, selected: true}, f.flow));
    }
  });
  const reload = throttle(refresh, 1500);
  ctx.follow(() => reload());
  ctx.signal.addEventListener('abort', () => {
    reload.cancel();
    changedSoon.cancel();
  });
}
