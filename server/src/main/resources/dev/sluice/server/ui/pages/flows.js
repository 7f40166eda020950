// Every recorded flow: versions, last run, run count and a sparkline of its recent runs — one API
// call (GET /flows?recent=20), refreshed when runs change.

import {api} from '../lib/api.js';
import {h, replace, throttle} from '../lib/dom.js';
import {badge, count, timeAgo} from '../lib/format.js';
import {demoHint, empty, pageHead} from '../parts/common.js';
import {sparkline} from '../parts/sparkline.js';

export default async function flows(ctx) {
  ctx.title('Flows');
  const search = h('input', {type: 'search', id: 'flow-search', placeholder: 'Filter by name',
    'aria-label': 'Filter flows by name', value: ctx.query.get('q') || ''});
  const body = h('div', {id: 'flows'});
  replace(ctx.main, pageHead({title: 'Flows', actions: search}), body);
  let items = [];

  function draw() {
    const q = search.value.trim().toLowerCase();
    if (!items.length) {
      replace(body, empty('No flows recorded yet', demoHint()));
      return;
    }
    const shown = items.filter((f) => !q || f.name.toLowerCase().includes(q)
      || f.description.toLowerCase().includes(q));
    if (!shown.length) {
      replace(body, empty('No flow matches “' + search.value.trim() + '”',
        'Clear the filter to see all ' + count(items.length) + ' flows.'));
      return;
    }
    replace(body, h('div', {class: 'card flush'}, h('div', {class: 'table-wrap'},
      h('table', {class: 'flows', 'aria-label': 'Flows'},
        h('thead', {}, h('tr', {}, ['Flow', 'Versions', 'Last run', 'Runs', 'Recent runs']
          .map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, shown.map((f) => h('tr', {dataset: {flow: f.name}},
          h('td', {class: 'name'},
            h('a', {href: '/flows/' + encodeURIComponent(f.name)}, f.name),
            f.description ? h('div', {class: 'muted small'}, f.description) : null),
          h('td', {}, versions(f.versions || [f.version])),
          h('td', {}, f.lastState
            ? [badge({name: f.lastState, type: null}), ' ', timeAgo(f.lastRunAt)]
            : h('span', {class: 'muted'}, 'never run')),
          h('td', {class: 'num'}, h('a', {href: '/runs?flow=' + encodeURIComponent(f.name)},
            count(f.runs))),
          h('td', {}, sparkline(f.recentRuns || [])))))))));
  }

  function versions(list) {
    const chips = list.slice(0, 4).map((v, i) => h('span', {class: ['tag', i === 0 && 'current'],
      title: i === 0 ? 'the newest version' : null}, v));
    if (list.length > 4) chips.push(h('span', {class: 'muted small'}, ' +' + (list.length - 4)));
    return h('span', {class: 'tags'}, chips);
  }

  async function load() {
    items = (await api('/flows', {signal: ctx.signal, query: {recent: 20}})).items;
    draw();
  }
  search.addEventListener('input', () => {
    ctx.setQuery({q: search.value.trim()});
    draw();
  });
  await load();
  const reload = throttle(() => load().catch(() => {}), 3000);
  ctx.follow(() => reload());
  ctx.signal.addEventListener('abort', () => reload.cancel());
}
