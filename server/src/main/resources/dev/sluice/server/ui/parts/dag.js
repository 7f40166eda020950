// A flow's DAG as SVG, left to right: a layered layout (longest-path layers, then a few barycentre
// sweeps to uncross edges), linear in the size of the graph, so thousands of steps lay out in
// milliseconds. Nodes can be coloured by state and updated in place as a run goes on.

import {h, s} from '../lib/dom.js';

const W = 188;
const H = 46;
const GAP_X = 56;
const GAP_Y = 14;
const PAD = 8;

/** Positions for steps [{name, kind, upstreams}]: {nodes: [{step, x, y}], width, height}. */
export function layout(steps) {
  const n = steps.length;
  const index = new Map(steps.map((st, i) => [st.name, i]));
  const ups = steps.map((st) => st.upstreams.map((u) => index.get(u)).filter((i) => i !== undefined));
  const downs = Array.from({length: n}, () => []);
  ups.forEach((list, i) => list.forEach((u) => downs[u].push(i)));

  // Topological order (Kahn); a cycle, which a valid flow never has, keeps the rest in order.
  const indegree = ups.map((l) => l.length);
  const order = [];
  const queue = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q];
    order.push(i);
    for (const d of downs[i]) if (--indegree[d] === 0) queue.push(d);
  }
  if (order.length < n) for (let i = 0; i < n; i++) if (indegree[i] > 0) order.push(i);

  const layer = new Array(n).fill(0);
  for (const i of order) for (const u of ups[i]) layer[i] = Math.max(layer[i], layer[u] + 1);
  const layers = [];
  for (const i of order) (layers[layer[i]] ||= []).push(i);

  const pos = new Array(n).fill(0);
  const place = () => layers.forEach((l) => l.forEach((i, k) => {
    pos[i] = k;
  }));
  place();
  const sweeps = n > 5000 ? 1 : n > 1000 ? 2 : 4;
  const byMean = (l, neighbours) => {
    const key = new Map(l.map((i) => {
      const list = neighbours[i];
      return [i, list.length ? list.reduce((a, j) => a + pos[j], 0) / list.length : pos[i]];
    }));
    l.sort((a, b) => key.get(a) - key.get(b));
    l.forEach((i, k) => {
      pos[i] = k;
    });
  };
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let L = 1; L < layers.length; L++) byMean(layers[L], ups);
    for (let L = layers.length - 2; L >= 0; L--) byMean(layers[L], downs);
  }

  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const nodes = new Array(n);
  layers.forEach((l, L) => {
    const offset = (tallest - l.length) * (H + GAP_Y) / 2;
    l.forEach((i, k) => {
      nodes[i] = {step: steps[i], index: i, x: PAD + L * (W + GAP_X),
        y: PAD + offset + k * (H + GAP_Y)};
    });
  });
  return {
    nodes, ups,
    width: PAD * 2 + layers.length * (W + GAP_X) - GAP_X,
    height: PAD * 2 + tallest * (H + GAP_Y) - GAP_Y,
  };
}

function clip(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * The graph: dag(steps, {onSelect}) → {el, update(statusOf)}; statusOf(step) gives
 * {key, label, counts: [{key, n}]?} (key = a state colour group, or 'none' before a step starts).
 */
export function dag(steps, {onSelect, label = 'Flow graph'} = {}) {
  const g = layout(steps);
  const svg = s('svg', {class: 'dag', width: g.width, height: g.height,
    viewBox: `0 0 ${g.width} ${g.height}`, role: 'group', 'aria-label': label});
  const edges = s('g', {class: 'edges', 'aria-hidden': 'true'});
  svg.appendChild(edges);
  for (const node of g.nodes) {
    for (const u of g.ups[node.index]) {
      const from = g.nodes[u];
      const x1 = from.x + W;
      const y1 = from.y + H / 2;
      const x2 = node.x;
      const y2 = node.y + H / 2;
      const mid = (x1 + x2) / 2;
      edges.appendChild(s('path', {d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}));
    }
  }
  const byName = new Map();
  const nodesGroup = s('g', {class: 'nodes'});
  svg.appendChild(nodesGroup);
  for (const node of g.nodes) {
    const st = node.step;
    const title = s('title', {}, st.name);
    const sub = s('text', {class: 'sub', x: 12, y: 35}, st.kind === 'map' ? 'map' : st.kind);
    const bar = s('g', {class: 'bar'});
    const el = s('g', {class: ['node', 'kind-' + st.kind, 'st-none'], transform:
      `translate(${node.x},${node.y})`, tabindex: '0', role: 'button', dataset: {step: st.name},
    on: {
      click: () => onSelect?.(st.name),
      keydown: (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect?.(st.name);
        }
      },
    }},
    title,
    s('rect', {class: 'box', width: W, height: H, rx: 8}),
    s('rect', {class: 'stripe', width: 5, height: H, rx: 2}),
    s('text', {class: 'label', x: 12, y: 19}, clip(st.name, 24)),
    sub, bar);
    nodesGroup.appendChild(el);
    byName.set(st.name, {el, sub, bar, title, step: st});
  }
  const box = h('div', {class: 'dag-box'}, svg);

  let selected = null;
  function update(statusOf) {
    for (const [name, n] of byName) {
      const status = statusOf(n.step);
      const cls = ['node', 'kind-' + n.step.kind, 'st-' + status.key,
        name === selected ? 'selected' : ''].join(' ').trim();
      if (n.el.getAttribute('class') !== cls) n.el.setAttribute('class', cls);
      n.el.dataset.state = status.state || '';
      if (n.sub.textContent !== status.label) n.sub.textContent = clip(status.label, 30);
      n.title.textContent = name + ' — ' + (status.detail || status.label);
      n.el.setAttribute('aria-label', name + ': ' + (status.detail || status.label));
      n.bar.replaceChildren();
      if (status.counts && status.total) {
        let x = 12;
        const width = W - 24;
        for (const c of status.counts) {
          const w = width * c.n / status.total;
          n.bar.appendChild(s('rect', {class: 'seg st-' + c.key, x: x.toFixed(1), y: 40,
            width: Math.max(0.5, w).toFixed(1), height: 3}));
          x += w;
        }
      }
    }
  }

  function select(name) {
    selected = name;
    for (const [n, v] of byName) v.el.classList.toggle('selected', n === name);
  }

  return {el: box, update, select};
}
