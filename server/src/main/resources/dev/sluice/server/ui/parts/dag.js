// A flow's DAG as SVG, left to right: a layered layout (longest-path layers, then a few barycentre
// sweeps to uncross edges), linear in the size of the graph, so thousands of steps lay out in
// milliseconds. Nodes can be coloured by state and updated in place as a run goes on.

import {h, s} from '../lib/dom.js';

const W = 200;
const H = 46;
const GAP_X = 56;
const GAP_Y = 14;
const DUMMY = 20; // the slot of a long edge crossing a layer
const PAD = 8;

/**
 * Positions for steps [{name, kind, upstreams}]: {nodes: [{step, x, y}], edges: [[points]], width,
 * height}. An edge that skips layers gets a placeholder in each layer it crosses (as in Sugiyama's
 * method), so it is routed between the boxes instead of behind them.
 */
export function layout(steps) {
  const n = steps.length;
  const index = new Map(steps.map((st, i) => [st.name, i]));
  const ups = steps.map((st) => [...new Set(st.upstreams.map((u) => index.get(u))
    .filter((i) => i !== undefined))]);
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

  // Placeholders (index >= n) for the layers a long edge crosses.
  const gUps = ups.map((l) => [...l]);
  const gDowns = downs.map((l) => [...l]);
  const chains = new Map(); // "u>v" -> [placeholder...]
  let long = 0;
  for (let v = 0; v < n; v++) for (const u of ups[v]) long += Math.max(0, layer[v] - layer[u] - 1);
  if (long <= 20_000) {
    for (let v = 0; v < n; v++) {
      for (const u of ups[v]) {
        const span = layer[v] - layer[u];
        if (span < 2) continue;
        const chain = [];
        let prev = u;
        for (let L = layer[u] + 1; L < layer[v]; L++) {
          const d = layer.length;
          layer.push(L);
          gUps.push([prev]);
          gDowns.push([]);
          gDowns[prev] = gDowns[prev].map((x) => (x === v ? d : x));
          if (prev >= n) gDowns[prev].push(d);
          chain.push(d);
          prev = d;
        }
        gDowns[prev].push(v);
        gUps[v] = gUps[v].map((x) => (x === u ? prev : x));
        chains.set(u + '>' + v, chain);
      }
    }
  }
  const total = layer.length;
  const layers = [];
  for (const i of order) (layers[layer[i]] ||= []).push(i);
  for (let d = n; d < total; d++) (layers[layer[d]] ||= []).push(d);

  const pos = new Array(total).fill(0);
  layers.forEach((l) => l.forEach((i, k) => {
    pos[i] = k;
  }));
  const sweeps = total > 5000 ? 1 : total > 1000 ? 2 : 6;
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
    for (let L = 1; L < layers.length; L++) byMean(layers[L], gUps);
    for (let L = layers.length - 2; L >= 0; L--) byMean(layers[L], gDowns);
  }

  const slot = (i) => (i < n ? H + GAP_Y : DUMMY);
  const heights = layers.map((l) => l.reduce((a, i) => a + slot(i), 0) - GAP_Y);
  const tallest = Math.max(H, ...heights);
  const at = new Array(total);
  layers.forEach((l, L) => {
    let y = PAD + (tallest - heights[L]) / 2;
    for (const i of l) {
      at[i] = {x: PAD + L * (W + GAP_X), y};
      y += slot(i);
    }
  });
  const nodes = [];
  for (let i = 0; i < n; i++) nodes.push({step: steps[i], index: i, x: at[i].x, y: at[i].y});
  const edges = [];
  for (let v = 0; v < n; v++) {
    for (const u of ups[v]) {
      const points = [[at[u].x + W, at[u].y + H / 2]];
      for (const d of chains.get(u + '>' + v) || []) {
        const y = at[d].y + (DUMMY - GAP_Y) / 2;
        points.push([at[d].x, y], [at[d].x + W, y]);
      }
      points.push([at[v].x, at[v].y + H / 2]);
      edges.push(points);
    }
  }
  return {
    nodes, edges,
    width: PAD * 2 + layers.length * (W + GAP_X) - GAP_X,
    height: PAD * 2 + tallest,
  };
}

/** An SVG path through an edge's points: curves between layers, straight across placeholders. */
function path(points) {
  let d = 'M' + points[0][0] + ',' + points[0][1];
  for (let k = 1; k < points.length; k++) {
    const [x0, y0] = points[k - 1];
    const [x1, y1] = points[k];
    if (k % 2 === 1) {
      const mid = (x0 + x1) / 2;
      d += ` C${mid},${y0} ${mid},${y1} ${x1},${y1}`;
    } else {
      d += ` L${x1},${y1}`;
    }
  }
  return d;
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
  for (const points of g.edges) edges.appendChild(s('path', {d: path(points)}));
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
    s('text', {class: 'label', x: 12, y: 19}, clip(st.name, 26)),
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
      const sub = clip(status.label, 32);
      if (n.sub.textContent !== sub) n.sub.textContent = sub;
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
