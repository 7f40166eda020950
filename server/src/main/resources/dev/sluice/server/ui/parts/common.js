// Pieces several pages share: headings, cards, empty states, the run table, tabs.

import {h} from '../lib/dom.js';
import {badge, isFinal, runningDuration, shortId, timeAgo} from '../lib/format.js';

/** An empty state: what is missing and what to do. */
export function empty(title, ...what) {
  return h('div', {class: 'empty'}, h('h2', {}, title), h('p', {}, ...what));
}

/** The command a newcomer runs to get some runs: `./dev demo`. */
export function demoHint() {
  return ['run ', h('code', {}, './dev demo'), ' (or any flow with run history on), and it shows up'
    + ' here as it runs.'];
}

/** The page's title row: an h1 with optional context above and actions on the right. */
export function pageHead({title, crumbs, actions, sub}) {
  return h('div', {class: 'page-head'},
    h('div', {class: 'titles'},
      crumbs ? h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, crumbs) : null,
      h('h1', {}, title),
      sub ? h('div', {class: 'sub'}, sub) : null),
    actions ? h('div', {class: 'actions'}, actions) : null);
}

/** A titled card. */
export function card(title, {id, actions, class: extra} = {}, ...body) {
  const headingId = id ? id + '-title' : undefined;
  return h('section', {class: ['card', extra], id, 'aria-labelledby': headingId},
    h('div', {class: 'card-head'}, h('h2', {id: headingId}, title), actions || null),
    ...body);
}

/** Tags as small chips. */
export function tagList(tags) {
  if (!tags || !tags.length) return h('span', {class: 'muted'}, '—');
  return h('span', {class: 'tags'}, [...tags].sort().map((t) => h('span', {class: 'tag'}, t)));
}

/** A run's display name: its given name, or its flow and short id. */
export function runName(run) {
  return run.runName || shortId(run.id);
}

/** The table of flow runs (runs list, a flow's runs). */
export function runTable(runs, {flow = true, label = 'Flow runs'} = {}) {
  const head = ['State', 'Run', flow ? 'Flow' : null, 'Started', 'Duration', 'Tags'];
  return h('div', {class: 'table-wrap'},
    h('table', {class: 'runs', 'aria-label': label},
      h('thead', {}, h('tr', {}, head.filter(Boolean).map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, runs.map((r) => h('tr', {dataset: {id: r.id, state: r.state.name}},
        h('td', {}, badge(r.state)),
        h('td', {class: 'name'},
          h('a', {href: '/runs/' + r.id, class: 'run-link'}, runName(r)),
          r.runName ? h('span', {class: 'muted small mono id'}, shortId(r.id)) : null),
        flow ? h('td', {},
          h('a', {href: '/flows/' + encodeURIComponent(r.flowName)}, r.flowName),
          h('span', {class: 'muted small'}, ' v' + r.flowVersion)) : null,
        h('td', {}, timeAgo(r.startTime)),
        h('td', {class: 'num'}, runningDuration(r.startTime,
          r.endTime || (isFinal(r.state) ? r.state.at : null))),
        h('td', {}, tagList(r.tags)))))));
}

/**
 * Tabs over panels: tabs([{id, label, render}], selected, onSelect). Arrow keys move between tabs
 * (the WAI-ARIA tabs pattern); a panel is drawn when first shown.
 */
export function tabs(list, selected, onSelect) {
  const bar = h('div', {class: 'tabs', role: 'tablist'});
  const panels = h('div', {class: 'tab-panels'});
  const buttons = new Map();
  const drawn = new Map();
  const select = (id, focus) => {
    for (const t of list) {
      const on = t.id === id;
      const b = buttons.get(t.id);
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
      let panel = drawn.get(t.id);
      if (on && !panel) {
        panel = h('div', {class: 'tab-panel', role: 'tabpanel', id: 'panel-' + t.id,
          'aria-labelledby': 'tab-' + t.id, tabindex: '-1'});
        drawn.set(t.id, panel);
        panels.appendChild(panel);
        t.render(panel);
      }
      if (panel) panel.hidden = !on;
      if (on) t.shown?.(panel);
    }
    onSelect?.(id);
  };
  list.forEach((t, i) => {
    const b = h('button', {type: 'button', role: 'tab', id: 'tab-' + t.id,
      'aria-controls': 'panel-' + t.id, dataset: {tab: t.id},
      on: {
        click: () => select(t.id, false),
        keydown: (e) => {
          const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
          if (!step) return;
          e.preventDefault();
          select(list[(i + step + list.length) % list.length].id, true);
        },
      }}, t.label);
    buttons.set(t.id, b);
    bar.appendChild(b);
  });
  const el = h('div', {class: 'tabbed'}, bar, panels);
  select(list.some((t) => t.id === selected) ? selected : list[0].id, false);
  el.select = (id) => select(id, false);
  return el;
}
