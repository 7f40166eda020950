// A flow's recent runs as a row of small bars: colour = state, height = duration (square root, so
// one slow run does not flatten the rest). Oldest on the left, newest on the right.

import {s} from '../lib/dom.js';
import {ago, between, count, duration, group, stateLabel} from '../lib/format.js';

export function sparkline(runs, {slots = 20, width = 124, height = 28} = {}) {
  const shown = runs.slice(0, slots).reverse();
  const gap = 2;
  const bar = (width - gap * (slots - 1)) / slots;
  const durations = shown.map((r) => between(r.startTime, r.endTime || null) || 0);
  const longest = Math.max(1, ...durations);
  const tally = new Map();
  const svg = s('svg', {class: 'spark', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img'});
  shown.forEach((r, i) => {
    const key = group(r.state.name, r.state.type);
    tally.set(r.state.name, (tally.get(r.state.name) || 0) + 1);
    const h = 4 + (height - 4) * Math.sqrt(durations[i] / longest);
    const x = (slots - shown.length + i) * (bar + gap);
    svg.appendChild(s('rect', {class: 'st-' + key, x: x.toFixed(1), y: (height - h).toFixed(1),
      width: bar.toFixed(1), height: h.toFixed(1), rx: 1.5, dataset: {state: r.state.name}},
    s('title', {}, stateLabel(r.state.name) + ' · ' + duration(durations[i]) + ' · '
      + ago(r.startTime))));
  });
  svg.setAttribute('aria-label', shown.length
    ? 'Last ' + shown.length + ' runs: ' + [...tally].map(([n, c]) => count(c) + ' '
      + stateLabel(n).toLowerCase()).join(', ')
    : 'No runs');
  return svg;
}
