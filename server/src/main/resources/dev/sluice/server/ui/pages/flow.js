// One flow: its description, versions, the DAG of the version picked, and its latest runs (kept
// current by the change feed). Two API calls.

import {api} from '../lib/api.js';
import {h, replace, throttle} from '../lib/dom.js';
import {badge, count, timeAgo} from '../lib/format.js';
import {card, empty, pageHead, runTable} from '../parts/common.js';
import {dag} from '../parts/dag.js';

const RUNS = 25;

export default async function flow(ctx) {
  const name = ctx.params.name;
  const runsQuery = {flow: name, limit: RUNS};
  const [info, firstRuns] = await Promise.all([
    api('/flows/' + encodeURIComponent(name), {signal: ctx.signal}),
    api('/flow-runs', {signal: ctx.signal, query: runsQuery}),
  ]);
  ctx.title(name);
  const summary = info.flow;
  const versions = info.versions;
  const picked = ctx.query.get('version');
  let version = versions.find((v) => v.version === picked) || versions[0];

  const select = h('select', {id: 'flow-version', 'aria-label': 'Version'},
    versions.map((v, i) => h('option', {value: v.version, selected: v === version},
      'version ' + v.version + (i === 0 ? ' (newest)' : ''))));
  const graphBox = h('div', {id: 'flow-graph'});
  const steps = h('span', {class: 'muted small'});
  function drawGraph() {
    steps.textContent = count(version.steps.length) + (version.steps.length === 1 ? ' step'
      : ' steps');
    replace(graphBox, version.steps.length
      ? dag(version.steps, {label: 'The DAG of ' + name + ' version ' + version.version}).el
      : h('p', {class: 'muted'}, 'This version has no steps recorded.'));
  }
  select.addEventListener('change', () => {
    version = versions.find((v) => v.version === select.value);
    ctx.setQuery({version: version === versions[0] ? null : version.version});
    drawGraph();
  });

  const runsBox = h('div', {id: 'flow-runs'});
  function drawRuns(items) {
    replace(runsBox, items.length
      ? runTable(items, {flow: false, label: 'Runs of ' + name})
      : empty('No runs yet', 'Runs of this flow appear here as they start.'));
  }

  replace(ctx.main,
    pageHead({
      crumbs: [h('a', {href: '/flows'}, 'Flows')],
      title: name,
      sub: [
        summary.lastState ? [badge({name: summary.lastState}), ' last run ',
          timeAgo(summary.lastRunAt)] : h('span', {class: 'muted'}, 'never run'),
        h('span', {}, count(summary.runs) + (summary.runs === 1 ? ' run' : ' runs')),
        h('span', {}, count(versions.length) + (versions.length === 1 ? ' version'
          : ' versions')),
      ],
    }),
    version.description ? h('p', {class: 'description'}, version.description) : null,
    card('Graph', {id: 'graph', actions: h('span', {class: 'inline'}, steps, select)},
      graphBox),
    card('Latest runs', {id: 'latest-runs', actions: h('a', {href: '/runs?flow='
      + encodeURIComponent(name)}, 'All runs and filters ›')}, runsBox));
  drawGraph();
  drawRuns(firstRuns.items);

  const reload = throttle(() => api('/flow-runs', {signal: ctx.signal, query: runsQuery})
    .then((p) => drawRuns(p.items)).catch(() => {}), 1500);
  ctx.follow(() => reload());
  ctx.signal.addEventListener('abort', () => reload.cancel());
}
