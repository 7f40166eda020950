// The timeline (Gantt) of a run's task runs: one row per task run, a bar per attempt coloured by how
// it ended, hatched retry waits between them. Rows are virtualised, so 10^4 task runs scroll as
// smoothly as ten.

import {h} from '../lib/dom.js';
import {VirtualList} from '../lib/virtual.js';
import {duration, group, isFinal, ms, stateLabel} from '../lib/format.js';

const ROW = 24;

/** A task run's bars: [{from, to, kind, cls, label}] in ms since the epoch. */
export function segments(task, now) {
  const hs = task.history;
  const out = [];
  let attempt = 0;
  for (let i = 0; i < hs.length; i++) {
    const st = hs[i];
    const next = hs[i + 1];
    const from = ms(st.at);
    const to = next ? ms(next.at) : isFinal(st) ? from : now;
    if (st.type === 'RUNNING') {
      attempt++;
      const end = next || (isFinal(st) ? st : null);
      // An attempt followed by a retry wait (or straight by the next attempt) failed.
      const retried = end && (end.type === 'SCHEDULED' || end.type === 'RUNNING');
      const outcome = !end ? 'running' : retried ? 'failed' : group(end.name, end.type);
      out.push({from, to, kind: 'attempt', cls: 'st-' + outcome,
        label: 'attempt ' + attempt + ' · ' + duration(to - from) + ' · '
          + (!end ? 'running' : retried ? 'failed, retried' : stateLabel(end.name))});
    } else if (st.type === 'SCHEDULED') {
      out.push({from, to, kind: 'wait', cls: 'wait',
        label: (st.name === 'AwaitingRetry' ? 'retry wait' : stateLabel(st.name)) + ' · '
          + duration(to - from)});
    } else if (st.type === 'PENDING' && !isFinal(st)) {
      out.push({from, to, kind: 'pending', cls: 'pending',
        label: stateLabel(st.name) + ' · ' + duration(to - from)});
    }
  }
  return out;
}

function niceStep(span, ticks) {
  const raw = span / ticks;
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000,
    60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000,
    43_200_000, 86_400_000];
  return steps.find((st) => st >= raw) || raw;
}

export function timeline({onSelect, taskLabel}) {
  let tasks = [];
  let t0 = 0;
  let t1 = 1;
  const axis = h('div', {class: 'tl-axis', 'aria-hidden': 'true'});
  const list = new VirtualList({
    rowHeight: ROW,
    attrs: {class: 'tl-rows', role: 'list', 'aria-label': 'Task runs over time'},
    create: () => {
      const name = h('button', {type: 'button', class: 'tl-name link-like'});
      const track = h('div', {class: 'tl-track'});
      const row = h('div', {class: 'tl-row', role: 'listitem'}, name, track);
      name.addEventListener('click', () => {
        const t = tasks[Number(row.dataset.index)];
        if (t) onSelect?.(t);
      });
      row.$name = name;
      row.$track = track;
      return row;
    },
    update: (row, i) => {
      const t = tasks[i];
      row.$name.textContent = taskLabel(t);
      row.$name.title = taskLabel(t) + ' — ' + stateLabel(t.state.name)
        + (t.attempts > 1 ? ', ' + t.attempts + ' attempts' : '');
      row.dataset.state = t.state.name;
      const span = t1 - t0 || 1;
      row.$track.replaceChildren(...segments(t, Date.now()).map((sg) => {
        const left = ((sg.from - t0) / span) * 100;
        const width = Math.max(((sg.to - sg.from) / span) * 100, 0.15);
        const bar = h('div', {class: ['seg', sg.kind, sg.cls], title: sg.label});
        bar.style.left = left.toFixed(3) + '%';
        bar.style.width = width.toFixed(3) + '%';
        return bar;
      }));
    },
  });
  const el = h('div', {class: 'timeline'}, axis, list.el);

  function drawAxis() {
    const span = t1 - t0 || 1;
    // About one mark per 90 px of track, so the labels never overlap on a phone.
    const track = list.el.querySelector('.tl-track')?.clientWidth || 0;
    const step = niceStep(span, track ? Math.max(2, Math.min(6, Math.floor(track / 90))) : 6);
    const marks = [];
    for (let t = 0; t <= span + 1; t += step) {
      const m = h('span', {class: ['tick', t > 0 && t / span > 0.94 && 'end']},
        t === 0 ? '0' : '+' + duration(t));
      m.style.left = ((t / span) * 100).toFixed(3) + '%';
      marks.push(m);
      if (marks.length > 20) break;
    }
    axis.replaceChildren(h('span', {class: 'tl-name'}, 'Task run'),
      h('div', {class: 'tl-track'}, marks));
  }

  /** Draws the run's task runs; `run` is the run summary (its start and end bound the axis). */
  function update(run, taskRuns) {
    tasks = [...taskRuns].sort((a, b) => (ms(a.startTime) ?? Infinity) - (ms(b.startTime)
      ?? Infinity) || a.name.localeCompare(b.name) || (a.mapIndex ?? -1) - (b.mapIndex ?? -1));
    const starts = tasks.map((t) => ms(t.history[0]?.at)).filter((x) => x);
    t0 = Math.min(ms(run.startTime), ...(starts.length > 50_000 ? [] : starts));
    const final = isFinal(run.state);
    t1 = final ? Math.max(ms(run.endTime || run.state.at), t0 + 1) : Math.max(Date.now(), t0 + 1);
    list.el.style.height = Math.min(tasks.length * ROW + 2, 480) + 'px';
    list.setCount(tasks.length);
    list.refresh();
    drawAxis();
  }

  return {el, update, list};
}
