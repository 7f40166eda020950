// The dashboard: runs per time bucket coloured by state, counts per state, the latest failures and
// what runs now, over a picked range; kept current by the change feed. One to three API calls per
// refresh: the counts, then the failed and running runs only when the counts have some.

import {api} from '../lib/api.js';
import {cssVar, h, replace, throttle} from '../lib/dom.js';
import {GROUPS, badge, count, errorLine, group, timeAgo} from '../lib/format.js';
import {card, demoHint, empty, pageHead, runName} from '../parts/common.js';

/** The chart library, from its WebJar (the version server/pom.xml pins). */
export const CHART_JS = '/webjars/chart.js/4.5.1/dist/chart.umd.min.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const RANGES = {
  '1h': {label: '1 h', long: 'the last hour', span: HOUR, bucket: 2 * MINUTE},
  '24h': {label: '24 h', long: 'the last 24 hours', span: DAY, bucket: HOUR},
  '7d': {label: '7 d', long: 'the last 7 days', span: 7 * DAY, bucket: 6 * HOUR},
  '30d': {label: '30 d', long: 'the last 30 days', span: 30 * DAY, bucket: DAY},
};

/** The range's buckets, aligned to the browser's clock (local hours and midnights). */
export function window_(rangeKey, now = Date.now()) {
  const r = RANGES[rangeKey] || RANGES['24h'];
  let until;
  if (r.bucket >= DAY) {
    const d = new Date(now);
    d.setHours(24, 0, 0, 0);
    until = d.getTime();
  } else {
    const offset = new Date(now).getTimezoneOffset() * MINUTE;
    until = Math.ceil((now - offset) / r.bucket) * r.bucket + offset;
  }
  const buckets = Math.round(r.span / r.bucket);
  return {...r, key: RANGES[rangeKey] ? rangeKey : '24h', from: until - buckets * r.bucket, until,
    buckets};
}

let chartLibrary = null;
function loadChart() {
  chartLibrary ??= import(CHART_JS).then(() => globalThis.Chart);
  return chartLibrary;
}

export default async function dashboard(ctx) {
  ctx.title('Dashboard');
  let rangeKey = RANGES[ctx.query.get('range')] ? ctx.query.get('range') : '24h';
  const chartReady = loadChart(); // in parallel with the data

  const picker = h('div', {class: 'segmented', role: 'group', 'aria-label': 'Time range'},
    Object.entries(RANGES).map(([key, r]) => h('button', {type: 'button', dataset: {range: key},
      'aria-pressed': String(key === rangeKey), on: {click: () => pick(key)}}, r.label)));
  const summary = h('p', {class: 'muted', id: 'runs-summary'});
  const tiles = h('div', {class: 'tiles', id: 'state-counts'});
  const canvas = h('canvas', {id: 'history-chart', role: 'img'});
  const chartBox = h('div', {class: 'chart'}, canvas);
  const chartEmpty = h('div', {class: 'chart-empty', hidden: true});
  const failures = h('div', {id: 'latest-failures'});
  const running = h('div', {id: 'running-now'});
  replace(ctx.main,
    pageHead({title: 'Dashboard', actions: picker}),
    card('Flow runs', {id: 'history'}, summary, tiles, chartBox, chartEmpty),
    h('div', {class: 'grid-2'},
      card('Latest failures', {id: 'failures'}, failures),
      card('Running', {id: 'running'}, running)));

  let chart = null;
  let shown = null; // the window on screen

  async function load() {
    const w = window_(rangeKey);
    const history = await api('/flow-runs/history', {signal: ctx.signal, query: {
      from: new Date(w.from).toISOString(), until: new Date(w.until).toISOString(),
      bucket: w.bucket / 1000}});
    shown = w;
    const totals = drawCounts(history.buckets, w);
    if (totals === 0) {
      chartBox.hidden = true;
      chartEmpty.hidden = false;
      drawFailures([], w);
      drawRunning([], w);
      const anyFlows = (await api('/flows', {signal: ctx.signal})).items.length > 0;
      replace(chartEmpty, anyFlows
        ? empty('No runs in ' + w.long, 'Pick a longer range above, or start a flow.')
        : empty('No runs yet', demoHint()));
      return;
    }
    chartBox.hidden = false;
    chartEmpty.hidden = true;
    const drawn = drawChart(history.buckets, w);
    // The lists are asked for only when the counts have runs for them, and only from the first
    // bucket that has some: no scan of the whole history for what is not there.
    const list = (names, states) => {
      const since = firstBucketWith(history.buckets, names);
      return since === null ? Promise.resolve({items: []})
        : api('/flow-runs', {signal: ctx.signal, query: {state: states, since, limit: 6}});
    };
    const [failed, active] = await Promise.all([
      list(['Failed', 'TimedOut', 'Crashed'], ['FAILED', 'CRASHED']),
      list(['Running', 'Retrying'], ['RUNNING']),
    ]);
    drawFailures(failed.items, w);
    drawRunning(active.items, w);
    await drawn;
  }

  function firstBucketWith(buckets, names) {
    for (const b of buckets) {
      if (names.some((n) => b.counts[n] > 0)) return b.start;
    }
    return null;
  }

  function drawCounts(buckets, w) {
    const sums = new Map(GROUPS.map((g) => [g.key, 0]));
    let total = 0;
    for (const b of buckets) {
      for (const [name, n] of Object.entries(b.counts)) {
        const key = group(name);
        sums.set(key, sums.get(key) + n);
        total += n;
      }
    }
    summary.textContent = count(total) + (total === 1 ? ' run' : ' runs') + ' started in '
      + w.long + '.';
    replace(tiles, GROUPS.filter((g) => sums.get(g.key) > 0
        || ['completed', 'failed', 'running'].includes(g.key))
      .map((g) => h('a', {class: ['tile', 'st-' + g.key], dataset: {group: g.key},
        href: '/runs?' + new URLSearchParams([...g.names.map((n) => ['state', n]),
          ['range', w.key]]).toString()},
      h('span', {class: 'swatch', 'aria-hidden': 'true'}),
      h('span', {class: 'label'}, g.label),
      h('span', {class: 'n'}, count(sums.get(g.key))))));
    canvas.setAttribute('aria-label', 'Flow runs per ' + (w.bucket >= DAY ? 'day'
      : w.bucket >= HOUR ? (w.bucket / HOUR) + ' h' : (w.bucket / MINUTE) + ' min')
      + ' in ' + w.long + ': ' + GROUPS.filter((g) => sums.get(g.key) > 0)
      .map((g) => count(sums.get(g.key)) + ' ' + g.label.toLowerCase()).join(', '));
    return total;
  }

  function series(buckets, w) {
    const byStart = new Map(buckets.map((b) => [Date.parse(b.start), b.counts]));
    const starts = [];
    for (let i = 0; i < w.buckets; i++) starts.push(w.from + i * w.bucket);
    const labelFormat = w.bucket >= DAY
      ? new Intl.DateTimeFormat(undefined, {month: 'short', day: 'numeric'})
      : w.span > DAY
        ? new Intl.DateTimeFormat(undefined, {weekday: 'short', hour: '2-digit'})
        : new Intl.DateTimeFormat(undefined, {hour: '2-digit', minute: '2-digit'});
    const labels = starts.map((t) => labelFormat.format(new Date(t)));
    const datasets = [];
    for (const g of GROUPS) {
      const data = starts.map((t) => {
        const c = byStart.get(t) || {};
        return g.names.reduce((sum, n) => sum + (c[n] || 0), 0);
      });
      // A state name the groups do not list (a newer server's) is counted by its type's group.
      if (data.some((n) => n > 0)) datasets.push({group: g.key, label: g.label, data});
    }
    return {labels, starts, datasets};
  }

  function colours(datasets) {
    for (const d of datasets) {
      d.backgroundColor = cssVar('--st-' + d.group);
      d.hoverBackgroundColor = cssVar('--st-' + d.group);
      d.borderRadius = 2;
      d.stack = 'runs';
      d.categoryPercentage = 0.9;
      d.barPercentage = 0.92;
    }
    return datasets;
  }

  async function drawChart(buckets, w) {
    const Chart = await chartReady;
    if (ctx.signal.aborted) return;
    const {labels, starts, datasets} = series(buckets, w);
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets = colours(datasets);
      chart.$starts = starts;
      chart.update('none');
      return;
    }
    const text = cssVar('--muted');
    const grid = cssVar('--line');
    chart = new Chart(canvas, {
      type: 'bar',
      data: {labels, datasets: colours(datasets)},
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: {mode: 'index', intersect: false},
        plugins: {legend: {display: false}, tooltip: {callbacks: {
          title: (items) => new Date(chart.$starts[items[0].dataIndex]).toLocaleString(),
        }}},
        scales: {
          x: {stacked: true, grid: {display: false}, ticks: {color: text, maxRotation: 0,
            autoSkip: true, maxTicksLimit: 8}},
          y: {stacked: true, beginAtZero: true, grid: {color: grid}, border: {display: false},
            ticks: {color: text, precision: 0, maxTicksLimit: 5}},
        },
        onClick: (_, elements) => {
          if (!elements.length) return;
          const start = chart.$starts[elements[0].index];
          ctx.navigate('/runs?' + new URLSearchParams({since: new Date(start).toISOString(),
            until: new Date(start + shown.bucket).toISOString()}).toString());
        },
      },
    });
    chart.$starts = starts;
  }

  function drawFailures(items, w) {
    if (!items.length) {
      replace(failures, h('p', {class: 'muted'}, 'No failed runs in ' + w.long + '.'));
      return;
    }
    replace(failures, h('ul', {class: 'run-list'}, items.slice(0, 5).map((r) =>
      h('li', {dataset: {id: r.id}},
        h('div', {class: 'line'}, badge(r.state),
          h('a', {href: '/runs/' + r.id, class: 'run-link'}, r.flowName + ' › ' + runName(r)),
          h('span', {class: 'muted small when'}, timeAgo(r.startTime))),
        r.state.message
          ? h('div', {class: 'error-line mono', title: r.state.message}, errorLine(r.state.message))
          : null))));
  }

  function drawRunning(items, w) {
    if (!items.length) {
      replace(running, h('p', {class: 'muted'}, 'No run started in ' + w.long + ' is running.'));
      return;
    }
    replace(running, h('ul', {class: 'run-list'}, items.slice(0, 5).map((r) =>
      h('li', {dataset: {id: r.id}},
        h('div', {class: 'line'}, badge(r.state),
          h('a', {href: '/runs/' + r.id, class: 'run-link'}, r.flowName + ' › ' + runName(r)),
          h('span', {class: 'muted small when'}, 'started ', timeAgo(r.startTime)))))),
    items.length > 5 ? h('p', {}, h('a', {href: '/runs?state=Running&state=Retrying'},
      'All running runs')) : null);
  }

  function pick(key) {
    rangeKey = key;
    for (const b of picker.querySelectorAll('button')) {
      b.setAttribute('aria-pressed', String(b.dataset.range === key));
    }
    ctx.setQuery({range: key === '24h' ? null : key});
    refresh();
  }

  const refresh = () => load().catch((e) => {
    if (e.name !== 'AbortError') console.warn('the dashboard did not refresh', e);
  });
  const reload = throttle(refresh, 2000);
  await load();
  ctx.follow(() => reload());
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  const recolour = () => {
    if (!chart) return;
    colours(chart.data.datasets);
    chart.options.scales.x.ticks.color = cssVar('--muted');
    chart.options.scales.y.ticks.color = cssVar('--muted');
    chart.options.scales.y.grid.color = cssVar('--line');
    chart.update('none');
  };
  scheme.addEventListener('change', recolour);
  ctx.signal.addEventListener('abort', () => {
    reload.cancel();
    scheme.removeEventListener('change', recolour);
    chart?.destroy();
  });
}
