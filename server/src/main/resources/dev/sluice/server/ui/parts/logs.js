// A run's log lines: read in pages by sequence (the first page draws at once, the rest follow),
// then followed live over SSE while the run is running. Only the visible lines are in the DOM.
// Filters (level, task, text) run in the browser over the lines read so far.

import {api, stream} from '../lib/api.js';
import {h, replace, throttle} from '../lib/dom.js';
import {absolute, clock, count} from '../lib/format.js';
import {VirtualList} from '../lib/virtual.js';

const ROW = 20;
const FIRST_PAGE = 1000;
const NEXT_PAGES = 10_000;
const LEVELS = {TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, WARNING: 3, ERROR: 4, SEVERE: 4, FATAL: 4};

function rank(level) {
  return LEVELS[String(level).toUpperCase()] ?? 2;
}

/**
 * logs({runId, signal, final, taskOf, firstLines}) → {el, start(), showTask(taskRun), onEnd(fn)}.
 * taskOf(id) gives the task run (for its name and step) once the run's detail knows it;
 * firstLines, when given, is the first page (after 0, limit 1000) already on its way.
 */
export function logs({runId, signal, final, taskOf, taskLabel, steps, firstLines}) {
  const lines = []; // {seq, at, level, rank, task, first, more, line}
  let shown = []; // indexes into lines that pass the filters
  let filter = {rank: 0, task: '', text: ''};
  let loading = true;
  let liveNow = false;
  let follow = !final;
  let selected = -1;
  let ended = final;
  const endListeners = [];

  const level = h('select', {id: 'log-level', 'aria-label': 'Lowest level shown'},
    h('option', {value: '0'}, 'All levels'),
    h('option', {value: '1'}, 'Debug and up'),
    h('option', {value: '2'}, 'Info and up'),
    h('option', {value: '3'}, 'Warnings and errors'),
    h('option', {value: '4'}, 'Errors only'));
  const task = h('select', {id: 'log-task', 'aria-label': 'Task'});
  const text = h('input', {type: 'search', id: 'log-search', placeholder: 'Find in logs',
    'aria-label': 'Show lines containing'});
  const followBox = h('input', {type: 'checkbox', id: 'log-follow', checked: follow});
  const followLabel = h('label', {class: 'check', for: 'log-follow'}, followBox, ' Follow');
  const status = h('span', {class: 'muted small', id: 'log-status', role: 'status'});
  const detail = h('div', {class: 'log-detail', hidden: true, id: 'log-detail'});
  const emptyNote = h('p', {class: 'muted log-empty', hidden: true});

  const list = new VirtualList({
    rowHeight: ROW,
    attrs: {class: 'log-view', role: 'log', 'aria-label': 'Log lines', id: 'log-lines'},
    create: () => {
      const t = h('span', {class: 't'});
      const lv = h('span', {class: 'lv'});
      const tk = h('span', {class: 'tk'});
      const msg = h('span', {class: 'msg'});
      const more = h('button', {type: 'button', class: 'more', title: 'Show the whole line',
        'aria-label': 'Show the whole line'}, '⋯');
      const row = h('div', {class: 'log-row'}, t, lv, tk, msg, more);
      Object.assign(row, {$t: t, $lv: lv, $tk: tk, $msg: msg, $more: more});
      return row;
    },
    update: (row, i) => {
      const l = lines[shown[i]];
      row.dataset.seq = String(l.seq);
      row.dataset.line = String(shown[i]);
      row.className = 'log-row v-row lv-' + (['trace', 'debug', 'info', 'warn', 'error'][l.rank])
        + (shown[i] === selected ? ' selected' : '');
      row.$t.textContent = clock(l.at);
      row.$t.title = absolute(l.at);
      row.$lv.textContent = l.level;
      row.$tk.textContent = l.task ? label(l.task) : '';
      row.$msg.textContent = l.first;
      row.$more.hidden = !l.more;
    },
  });
  list.el.addEventListener('click', (e) => {
    const row = e.target.closest('.log-row');
    if (row) showLine(Number(row.dataset.line));
  });
  list.el.addEventListener('scroll', () => {
    if (programmatic) {
      programmatic = false;
      return;
    }
    const atEnd = list.atEnd();
    if (follow !== atEnd && (!atEnd || !ended)) {
      follow = atEnd;
      followBox.checked = follow;
    }
  }, {passive: true});
  let programmatic = false;

  function label(taskRunId) {
    const t = taskOf(taskRunId);
    return t ? taskLabel(t) : taskRunId.slice(0, 8);
  }

  function matches(l) {
    if (l.rank < filter.rank) return false;
    if (filter.task) {
      if (filter.task === 'none') {
        if (l.task) return false;
      } else if (filter.task.startsWith('task:')) {
        if (l.task !== filter.task.slice(5)) return false;
      } else if (filter.task.startsWith('step:')) {
        const t = l.task && taskOf(l.task);
        if (!t || t.stepName !== filter.task.slice(5)) return false;
      }
    }
    if (filter.text) {
      const needle = filter.text;
      if (!l.lower) l.lower = (l.line.message + '\n' + (l.line.throwable || '')).toLowerCase();
      if (!l.lower.includes(needle)) return false;
    }
    return true;
  }

  /** The list is as tall as its lines, up to most of the window. */
  function fit() {
    const most = Math.max(200, Math.min(window.innerHeight * 0.62, 560));
    const height = Math.min(Math.max(shown.length, 4) * ROW + 2, most);
    if (list.el.style.height !== height + 'px') list.el.style.height = height + 'px';
  }

  function refilter() {
    shown = [];
    for (let i = 0; i < lines.length; i++) if (matches(lines[i])) shown.push(i);
    fit();
    list.setCount(shown.length);
    list.refresh();
    drawStatus();
  }

  function add(items) {
    if (!items.length) return;
    let last = lines.length ? lines[lines.length - 1].seq : -1;
    for (const item of items) {
      if (item.sequence <= last) continue; // a repeat after a reconnect
      last = item.sequence;
      const message = item.line.message || '';
      const nl = message.indexOf('\n');
      const l = {seq: item.sequence, at: item.line.at, level: item.line.level,
        rank: rank(item.line.level), task: item.line.taskRunId || null,
        first: nl < 0 ? message : message.slice(0, nl),
        more: nl >= 0 || Boolean(item.line.throwable) || message.length > 200, line: item.line};
      lines.push(l);
      if (matches(l)) shown.push(lines.length - 1);
    }
    fit();
    list.setCount(shown.length);
    if (follow) {
      programmatic = true;
      list.scrollToEnd();
    }
    drawStatus();
  }
  const drawStatusSoon = throttle(() => drawStatus(), 250);

  function drawStatus() {
    const filtered = shown.length !== lines.length;
    status.textContent = (filtered ? count(shown.length) + ' of ' : '') + count(lines.length)
      + (lines.length === 1 ? ' line' : ' lines') + (loading ? ' · loading…' : '')
      + (liveNow ? ' · following live' : '');
    if (!lines.length && !loading) {
      emptyNote.hidden = false;
      emptyNote.textContent = ended
        ? 'This run logged nothing. Sluice records what tasks log (SLF4J, Logback, JUL, Log4j 2)'
          + ' while run history is on.'
        : 'No lines yet: they appear here as the run logs.';
    } else if (lines.length && !shown.length) {
      emptyNote.hidden = false;
      emptyNote.textContent = 'No line matches these filters.';
    } else {
      emptyNote.hidden = true;
    }
  }

  function showLine(i) {
    selected = i;
    const l = lines[i];
    if (!l) return;
    list.refresh();
    const meta = [absolute(l.at), l.level, l.line.logger, 'thread ' + l.line.thread,
      l.task ? 'task ' + label(l.task) : 'flow run'].filter(Boolean).join(' · ');
    replace(detail,
      h('div', {class: 'log-detail-head'},
        h('span', {class: 'muted small'}, meta),
        h('button', {type: 'button', class: 'small', on: {click: () => {
          detail.hidden = true;
          selected = -1;
          list.refresh();
        }}}, 'Close')),
      h('pre', {class: 'mono'}, l.line.message),
      l.line.throwable ? h('pre', {class: 'mono stack'}, l.line.throwable) : null,
      Object.keys(l.line.mdc || {}).length ? h('p', {class: 'muted small mono'},
        Object.entries(l.line.mdc).map(([k, v]) => k + '=' + v).join('  ')) : null);
    detail.hidden = false;
  }

  function taskOptions(extra) {
    const value = task.value;
    const options = [h('option', {value: ''}, 'All tasks'),
      h('option', {value: 'none'}, 'The flow run itself')];
    for (const st of steps) options.push(h('option', {value: 'step:' + st.name}, st.name));
    if (extra) options.push(extra);
    replace(task, options);
    task.value = value;
  }
  taskOptions();
  fit();

  level.addEventListener('change', () => {
    filter.rank = Number(level.value);
    refilter();
  });
  task.addEventListener('change', () => {
    filter.task = task.value;
    refilter();
  });
  const onText = throttle(() => {
    filter.text = text.value.trim().toLowerCase();
    refilter();
  }, 200);
  text.addEventListener('input', onText);
  followBox.addEventListener('change', () => {
    follow = followBox.checked;
    if (follow) {
      programmatic = true;
      list.scrollToEnd();
    }
  });

  const el = h('div', {class: 'logs'},
    h('div', {class: 'toolbar'}, level, task, text, followLabel, status),
    list.el, emptyNote, detail);

  /** Reads the lines there are, then follows new ones while the run is not final. */
  async function start() {
    let after = 0;
    let limit = FIRST_PAGE;
    drawStatus();
    for (let first = firstLines; ; first = null) {
      const page = await (first
        || api('/flow-runs/' + runId + '/logs', {signal, query: {after, limit}}));
      add(page.items);
      if (limit === FIRST_PAGE) requestAnimationFrame(() => performance.mark('sluice:logs'));
      after = page.next;
      if (page.items.length < limit) break;
      limit = NEXT_PAGES;
    }
    loading = false;
    drawStatus();
    requestAnimationFrame(() => performance.mark('sluice:logs-all'));
    if (ended) return;
    liveNow = true;
    drawStatus();
    await stream('/flow-runs/' + runId + '/logs/stream', {
      signal,
      after,
      onEvent: (e) => {
        if (e.event === 'log') add([e.data]);
        if (e.event === 'end') {
          ended = true;
          endListeners.forEach((fn) => fn());
        }
      },
    });
    liveNow = false;
    drawStatusSoon();
  }

  /** Shows only a task run's lines (the task table's and the graph's "Logs"). */
  function showTask(t) {
    taskOptions(h('option', {value: 'task:' + t.id}, 'Only ' + taskLabel(t)));
    task.value = 'task:' + t.id;
    filter.task = task.value;
    follow = false;
    followBox.checked = false;
    refilter();
    programmatic = true;
    list.scrollTo(0);
  }

  function showStep(name) {
    task.value = 'step:' + name;
    filter.task = task.value;
    refilter();
  }

  return {
    el, start, showTask, showStep,
    relabel: () => list.refresh(),
    onEnd: (fn) => endListeners.push(fn),
    lineCount: () => lines.length,
  };
}
