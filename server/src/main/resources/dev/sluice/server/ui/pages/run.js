// One flow run: its state and history, the DAG coloured by its task runs, the timeline, the task
// runs, the logs and the parameters. While it runs, the change feed re-reads the run (at most a few
// times a second) and the log stream appends lines: the page follows the run without reloading.

import {ApiError, api} from '../lib/api.js';
import {h, replace, throttle} from '../lib/dom.js';
import {GROUPS, absolute, badge, between, clock, count, duration, firstLine, group, isFinal,
  runningDuration, shortId, stateLabel, timeAgo} from '../lib/format.js';
import {card, pageHead, runName, tabs, tagList} from '../parts/common.js';
import {dag} from '../parts/dag.js';
import {logs} from '../parts/logs.js';
import {timeline} from '../parts/timeline.js';

const TASK_PAGE = 100;

export function taskLabel(t) {
  return t.mapIndex !== null && t.mapIndex !== undefined && !t.name.includes('[')
    ? t.name + '[' + t.mapIndex + ']' : t.name;
}

/** A step's status for the graph, from its task runs. */
function stepStatus(step, runs) {
  if (!runs || !runs.length) return {key: 'none', label: 'not started', detail: 'not started'};
  const elements = runs.filter((t) => t.mapIndex !== null && t.mapIndex !== undefined);
  const own = runs.filter((t) => t.mapIndex === null || t.mapIndex === undefined);
  const latest = own.reduce((a, b) => (!a || (b.startTime || '') >= (a.startTime || '') ? b : a),
    null);
  if (step.kind === 'map' || elements.length) {
    const tally = new Map();
    for (const t of elements) {
      const key = group(t.state.name, t.state.type);
      tally.set(key, (tally.get(key) || 0) + 1);
    }
    const counts = GROUPS.filter((g) => tally.get(g.key)).map((g) => ({key: g.key,
      n: tally.get(g.key), label: g.label}));
    let key = latest ? group(latest.state.name, latest.state.type)
      : tally.get('running') ? 'running' : tally.get('failed') ? 'failed'
        : counts.length === 1 ? counts[0].key : 'running';
    if (!latest && tally.get('running')) key = 'running';
    const total = elements.length;
    const parts = counts.filter((c) => c.key !== 'completed').map((c) => count(c.n) + ' '
      + c.label.toLowerCase());
    const done = tally.get('completed') || 0;
    return {
      key, total, counts, state: latest?.state.name || '',
      label: count(total) + ' elements' + (parts.length ? ' · ' + parts.join(' · ')
        : done === total ? ' · all completed' : ''),
      detail: count(total) + ' elements: ' + counts.map((c) => count(c.n) + ' '
        + c.label.toLowerCase()).join(', '),
    };
  }
  const t = latest || runs[runs.length - 1];
  const took = t.startTime ? duration(between(t.startTime, t.endTime)) : null;
  const label = stateLabel(t.state.name) + (took && isFinal(t.state) ? ' · ' + took : '')
    + (t.attempts > 1 ? ' · ' + t.attempts + ' tries' : '');
  const detail = stateLabel(t.state.name) + (took ? ' in ' + took : '')
    + (t.attempts > 1 ? ' after ' + t.attempts + ' attempts' : '')
    + (t.state.message ? ': ' + t.state.message : '');
  return {key: group(t.state.name, t.state.type), label, detail, state: t.state.name};
}

export default async function run(ctx) {
  const id = ctx.params.id;
  // The first page of log lines is read while the run is, not after it.
  const firstLines = api('/flow-runs/' + encodeURIComponent(id) + '/logs', {signal: ctx.signal,
    query: {after: 0, limit: 1000}});
  firstLines.catch(() => {}); // a missing run is reported by the read below
  let detail = await api('/flow-runs/' + encodeURIComponent(id), {signal: ctx.signal});
  const tasksById = new Map();
  const byStep = new Map();
  const index = () => {
    tasksById.clear();
    byStep.clear();
    for (const t of detail.taskRuns) {
      tasksById.set(t.id, t);
      if (!byStep.has(t.stepName)) byStep.set(t.stepName, []);
      byStep.get(t.stepName).push(t);
    }
  };
  index();
  const r = () => detail.run;
  ctx.title(runName(r()) + ' · ' + r().flowName);

  // ---- header
  const head = h('div', {id: 'run-head'});
  const message = h('div', {id: 'run-message'});
  const cancelNote = h('span', {class: 'muted small', role: 'status', id: 'cancel-note'});
  const cancel = h('button', {type: 'button', class: 'danger', id: 'cancel-run',
    on: {click: () => cancelRun()}}, 'Cancel run');

  function drawHead() {
    const run = r();
    const final = isFinal(run.state);
    replace(head, pageHead({
      crumbs: [h('a', {href: '/runs'}, 'Flow runs'), ' › ',
        h('a', {href: '/flows/' + encodeURIComponent(run.flowName)}, run.flowName)],
      title: runName(run),
      sub: [badge(run.state, 'big'),
        h('span', {}, 'started ', timeAgo(run.startTime)),
        h('span', {}, final ? 'took ' : 'running for ',
          runningDuration(run.startTime, run.endTime || (final ? run.state.at : null))),
        run.attempts > 1 ? h('span', {}, count(run.attempts) + ' attempts') : null,
        run.tags.length ? tagList(run.tags) : null,
        h('span', {class: 'muted mono small', title: run.id}, shortId(run.id))],
      actions: final ? null : [cancelNote, cancel],
    }));
    const failed = ['failed', 'crashed'].includes(group(run.state.name, run.state.type));
    replace(message, run.state.message && !['Completed'].includes(run.state.name)
      ? h('div', {class: ['callout', failed ? 'error' : 'info'], role: failed ? 'alert' : null},
        h('strong', {}, stateLabel(run.state.name) + ': '),
        h('span', {class: 'mono'}, run.state.message))
      : null);
  }

  async function cancelRun() {
    cancel.disabled = true;
    cancelNote.textContent = 'Asking the run to stop…';
    try {
      const answer = await api('/flow-runs/' + id + '/cancel', {method: 'POST', body: {},
        signal: ctx.signal});
      cancelNote.textContent = answer.outcome === 'CANCELLED' ? 'Cancelled.'
        : 'Cancel requested: the run stops within about a second.';
      refresh();
    } catch (e) {
      if (e.name === 'AbortError') return;
      cancel.disabled = false;
      cancelNote.textContent = e instanceof ApiError && e.status === 403
        ? 'This token may not cancel runs (it needs the run scope): ' + e.detail
        : 'Not cancelled: ' + (e.detail || e.message);
    }
  }

  // ---- graph
  let selectedStep = null;
  const graph = dag(detail.flow.steps, {
    label: 'The DAG of ' + r().flowName,
    onSelect: (name) => {
      selectedStep = selectedStep === name ? null : name;
      graph.select(selectedStep);
      taskFilter.name = selectedStep ? selectedStep : '';
      nameInput.value = taskFilter.name;
      taskPage = 0;
      drawTasks();
      if (selectedStep) logView.showStep(selectedStep);
    },
  });
  const drawGraph = () => graph.update((step) => stepStatus(step, byStep.get(step.name)));

  // ---- timeline
  const gantt = timeline({taskLabel, onSelect: (t) => showTaskLogs(t)});

  // ---- task runs
  const taskFilter = {name: '', group: ''};
  let taskPage = 0;
  const openErrors = new Set();
  const nameInput = h('input', {type: 'search', id: 'task-search', placeholder: 'Filter by name',
    'aria-label': 'Filter task runs by name'});
  const groupSelect = h('select', {id: 'task-state', 'aria-label': 'Task run state'},
    h('option', {value: ''}, 'Any state'),
    GROUPS.map((g) => h('option', {value: g.key}, g.label)));
  const taskBody = h('div', {id: 'task-runs'});
  nameInput.addEventListener('input', () => {
    taskFilter.name = nameInput.value.trim();
    taskPage = 0;
    drawTasks();
  });
  groupSelect.addEventListener('change', () => {
    taskFilter.group = groupSelect.value;
    taskPage = 0;
    drawTasks();
  });

  function drawTasks() {
    const needle = taskFilter.name.toLowerCase();
    const all = [...detail.taskRuns].sort((a, b) => (a.startTime || '~').localeCompare(
      b.startTime || '~') || a.name.localeCompare(b.name) || (a.mapIndex ?? -1)
      - (b.mapIndex ?? -1));
    const list = all.filter((t) => (!needle || taskLabel(t).toLowerCase().includes(needle))
      && (!taskFilter.group || group(t.state.name, t.state.type) === taskFilter.group));
    const pages = Math.max(1, Math.ceil(list.length / TASK_PAGE));
    taskPage = Math.min(taskPage, pages - 1);
    const rows = list.slice(taskPage * TASK_PAGE, (taskPage + 1) * TASK_PAGE);
    if (!all.length) {
      replace(taskBody, h('p', {class: 'muted'}, isFinal(r().state)
        ? 'This run had no task runs.' : 'No task has started yet.'));
      return;
    }
    replace(taskBody,
      h('div', {class: 'table-wrap'}, h('table', {class: 'tasks', 'aria-label': 'Task runs'},
        h('thead', {}, h('tr', {}, ['Task', 'State', 'Attempts', 'Started', 'Duration',
          'Cache key', 'Error'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, rows.map((t) => h('tr', {dataset: {task: t.id, state: t.state.name}},
          h('td', {class: 'name'}, h('button', {type: 'button', class: 'link-like',
            title: 'Show this task run\u2019s log lines', on: {click: () => showTaskLogs(t)}},
          taskLabel(t))),
          h('td', {}, badge(t.state)),
          h('td', {class: 'num'}, count(t.attempts)),
          h('td', {class: 'num'}, t.startTime ? h('span', {title: absolute(t.startTime)},
            clock(t.startTime)) : h('span', {class: 'muted'}, '—')),
          h('td', {class: 'num'}, runningDuration(t.startTime, t.endTime
            || (isFinal(t.state) ? t.state.at : null))),
          h('td', {class: 'mono small cache', title: t.cacheKey || null},
            t.cacheKey ? shortKey(t.cacheKey) : h('span', {class: 'muted'}, '—')),
          h('td', {class: 'error'}, t.error ? errorCell(t) : null)))))),
      list.length > TASK_PAGE || taskFilter.name || taskFilter.group
        ? h('div', {class: 'pager'},
          h('button', {type: 'button', disabled: taskPage === 0, on: {click: () => {
            taskPage--;
            drawTasks();
          }}}, '‹ Previous'),
          h('span', {class: 'muted small'}, list.length
            ? count(taskPage * TASK_PAGE + 1) + '–' + count(taskPage * TASK_PAGE + rows.length)
              + ' of ' + count(list.length) + (list.length !== all.length ? ' (filtered from '
              + count(all.length) + ')' : '')
            : 'No task run matches'),
          h('button', {type: 'button', disabled: taskPage >= pages - 1, on: {click: () => {
            taskPage++;
            drawTasks();
          }}}, 'Next ›'))
        : null);
  }

  function shortKey(key) {
    return key.length > 16 ? key.slice(0, 16) + '…' : key;
  }

  function errorCell(t) {
    const d = h('details', {open: openErrors.has(t.id)},
      h('summary', {}, h('span', {class: 'mono'}, shortType(t.error.type) + ': '
        + firstLine(t.error.message))),
      h('pre', {class: 'mono stack'}, t.error.stackTrace || t.error.message));
    d.addEventListener('toggle', () => {
      if (d.open) openErrors.add(t.id);
      else openErrors.delete(t.id);
    });
    return d;
  }

  function shortType(type) {
    return String(type).split('.').pop();
  }

  // ---- parameters and details
  const paramsBody = h('div', {id: 'parameters'});
  function drawParams() {
    const entries = Object.entries(detail.parameters || {});
    replace(paramsBody, entries.length
      ? h('table', {class: 'kv', 'aria-label': 'Parameters'}, h('tbody', {}, entries.map(([k, v]) =>
        h('tr', {}, h('th', {scope: 'row'}, k),
          h('td', {}, h('pre', {class: 'mono'}, typeof v === 'string' ? v
            : JSON.stringify(v, null, 2)))))))
      : h('p', {class: 'muted'}, 'This run took no parameters.'));
  }
  const detailsBody = h('div', {id: 'run-details'});
  function drawDetails() {
    const run = r();
    const rows = [
      ['Run id', h('span', {class: 'mono'}, run.id)],
      ['Flow', [h('a', {href: '/flows/' + encodeURIComponent(run.flowName)}, run.flowName),
        ' version ' + run.flowVersion]],
      ['Started', absolute(run.startTime)],
      ['Ended', run.endTime ? absolute(run.endTime) : '—'],
      ['Attempts', count(run.attempts)],
      ['Recorded by', detail.owner.host + ' (pid ' + detail.owner.pid + ')'],
      detail.idempotencyKey ? ['Idempotency key', h('span', {class: 'mono'},
        detail.idempotencyKey)] : null,
      detail.parentFlowRunId ? ['Parent run', h('a', {href: '/runs/' + detail.parentFlowRunId},
        shortId(detail.parentFlowRunId))] : null,
      ['Tags', tagList(run.tags)],
    ].filter(Boolean);
    replace(detailsBody,
      h('table', {class: 'kv', 'aria-label': 'Run details'}, h('tbody', {}, rows.map(([k, v]) =>
        h('tr', {}, h('th', {scope: 'row'}, k), h('td', {}, v))))),
      h('h3', {}, 'State history'),
      h('ol', {class: 'history', id: 'state-history'}, detail.history.map((st, i) => {
        const next = detail.history[i + 1];
        return h('li', {},
          badge(st), ' ',
          h('span', {title: absolute(st.at)}, clock(st.at)),
          next ? h('span', {class: 'muted small'}, ' for ' + duration(between(st.at, next.at)))
            : null,
          st.message ? h('div', {class: 'muted small mono'}, st.message) : null);
      })));
  }

  // ---- logs
  const logView = logs({
    runId: id, signal: ctx.signal, final: isFinal(r().state), steps: detail.flow.steps, firstLines,
    taskOf: (taskRunId) => tasksById.get(taskRunId), taskLabel,
  });
  function showTaskLogs(t) {
    tabbed.select('logs');
    ctx.setQuery({tab: 'logs'});
    logView.showTask(t);
    document.getElementById('panel-logs')?.scrollIntoView({block: 'nearest'});
  }

  // ---- layout
  const tabbed = tabs([
    {id: 'logs', label: 'Logs', render: (p) => p.appendChild(logView.el)},
    {id: 'timeline', label: 'Timeline', render: (p) => p.appendChild(gantt.el),
      shown: () => gantt.update(r(), detail.taskRuns)},
    {id: 'tasks', label: 'Task runs', render: (p) => p.append(h('div', {class: 'toolbar'},
      nameInput, groupSelect), taskBody)},
    {id: 'parameters', label: 'Parameters', render: (p) => p.appendChild(paramsBody)},
    {id: 'details', label: 'Details', render: (p) => p.appendChild(detailsBody)},
  ], ctx.query.get('tab') || 'logs', (tab) => ctx.setQuery({tab: tab === 'logs' ? null : tab}));

  replace(ctx.main, head, message,
    card('Graph', {id: 'graph', actions: h('span', {class: 'muted small'},
      count(detail.flow.steps.length) + ' steps · ' + count(detail.taskRuns.length)
      + ' task runs')}, graph.el),
    h('section', {class: 'card', 'aria-label': 'Run contents'}, tabbed));

  function drawAll() {
    drawHead();
    drawGraph();
    drawTasks();
    drawParams();
    drawDetails();
    if (!tabbed.querySelector('#panel-timeline')?.hidden) gantt.update(r(), detail.taskRuns);
    logView.relabel();
  }
  drawAll();

  // ---- live
  let fetchMillis = 100;
  const live = new AbortController();
  ctx.signal.addEventListener('abort', () => live.abort());
  const refresh = throttle(async () => {
    const began = performance.now();
    try {
      detail = await api('/flow-runs/' + id, {signal: ctx.signal});
    } catch (e) {
      if (e.name !== 'AbortError') console.warn('the run did not refresh', e);
      return;
    }
    fetchMillis = performance.now() - began;
    index();
    drawAll();
    if (isFinal(r().state)) live.abort();
  }, () => Math.max(400, fetchMillis * 3));
  ctx.signal.addEventListener('abort', () => refresh.cancel());
  if (!isFinal(r().state)) {
    ctx.follow((change) => {
      if (change.flowRunId === id) refresh();
    }, () => refresh(), live.signal);
    const tick = setInterval(() => {
      if (!tabbed.querySelector('#panel-timeline')?.hidden && !isFinal(r().state)) {
        gantt.update(r(), detail.taskRuns);
      }
    }, 1000);
    ctx.signal.addEventListener('abort', () => clearInterval(tick));
    live.signal.addEventListener('abort', () => clearInterval(tick));
  }
  logView.onEnd(() => refresh());
  logView.start().catch((e) => {
    if (e.name !== 'AbortError') console.warn('the log lines stopped', e);
  });
}
