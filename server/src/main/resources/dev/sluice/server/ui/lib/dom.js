// Building the DOM without HTML strings: every value goes in as a text node or an attribute, so a
// flow name, a parameter or a log line is shown as text and never parsed as markup.

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An element: h('a', {href: '/runs', class: 'link'}, 'text', child...).
 * Props: class, text, on: {event: fn}, dataset: {...}, and any attribute (set with setAttribute;
 * false/null/undefined leave it out, true sets it empty). Children: strings, numbers, nodes, arrays
 * of those, null/false (skipped).
 */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, same conventions as h(). */
export function s(tag, props, ...children) {
  return build(document.createElementNS(SVG, tag), props, children);
}

function build(el, props, children) {
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') {
        el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key === 'on') {
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) {
          if (v !== undefined && v !== null) el.dataset[k] = String(v);
        }
      } else if (key === 'value' && 'value' in el) {
        el.value = String(value);
      } else if (key === 'checked' || key === 'selected') {
        el[key] = Boolean(value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends children (strings become text nodes). */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A link inside the app (the router takes the click; the href works in a new tab too). */
export function link(href, ...children) {
  return h('a', {href}, ...children);
}

/** Calls fn at most once per `ms`, the last call always made (trailing). */
export function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  let pending = false;
  const run = () => {
    timer = null;
    last = performance.now();
    pending = false;
    fn();
  };
  const call = () => {
    pending = true;
    if (timer) return;
    const wait = Math.max(0, last + (typeof ms === 'function' ? ms() : ms) - performance.now());
    timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = false;
  };
  call.pending = () => pending;
  return call;
}

/** Calls fn `ms` after the last call. */
export function debounce(fn, ms) {
  let timer = null;
  const call = (...args) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  };
  call.cancel = () => timer && clearTimeout(timer);
  return call;
}

/** Reads a CSS custom property of the document (a colour of the theme in force). */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
