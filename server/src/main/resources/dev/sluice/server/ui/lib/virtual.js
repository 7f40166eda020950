// A list that keeps only its visible rows in the DOM: fixed row height, a spacer as tall as all
// rows, and a small pool of row elements re-filled as the list scrolls. 10^5 log lines cost the
// same as 50.

import {h} from './dom.js';

export class VirtualList {
  /**
   * @param rowHeight  each row's height in px (the CSS must agree)
   * @param create     () => a new row element
   * @param update     (rowElement, index) => fills the row for item `index`
   * @param attrs      attributes of the scrolling viewport (class, aria-label...)
   */
  constructor({rowHeight, create, update, attrs = {}, overscan = 8}) {
    this.rowHeight = rowHeight;
    this.create = create;
    this.update = update;
    this.overscan = overscan;
    this.count = 0;
    this.pool = [];
    this.assigned = [];
    this.spacer = h('div', {class: 'v-spacer'});
    this.el = h('div', {...attrs, class: ['v-list', attrs.class], tabindex: '0'}, this.spacer);
    this.frame = 0;
    this.el.addEventListener('scroll', () => this.schedule(), {passive: true});
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(() => this.schedule()).observe(this.el);
    }
  }

  setCount(n) {
    this.count = n;
    this.spacer.style.height = n * this.rowHeight + 'px';
    this.schedule();
  }

  /** Redraws the visible rows now (their data changed). */
  refresh() {
    this.assigned = [];
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render() {
    const height = this.el.clientHeight || 400;
    const top = this.el.scrollTop;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - this.overscan);
    const last = Math.min(this.count, Math.ceil((top + height) / this.rowHeight) + this.overscan);
    const needed = Math.max(0, last - first);
    if (this.pool.length < needed) {
      while (this.pool.length < needed) {
        const row = this.create();
        row.classList.add('v-row');
        row.hidden = true;
        this.pool.push(row);
        this.spacer.appendChild(row);
      }
      this.assigned = [];
    }
    // Row `index` always lives in slot index % pool size, so scrolling by one row refills one.
    const size = this.pool.length;
    for (let index = first; index < last; index++) {
      const k = index % size;
      const row = this.pool[k];
      if (this.assigned[k] !== index) {
        row.style.transform = 'translateY(' + index * this.rowHeight + 'px)';
        row.dataset.index = String(index);
        this.update(row, index);
        this.assigned[k] = index;
      }
      if (row.hidden) row.hidden = false;
    }
    for (let k = 0; k < size; k++) {
      const index = this.assigned[k];
      if (index === undefined || index < first || index >= last) {
        this.assigned[k] = -1;
        if (!this.pool[k].hidden) this.pool[k].hidden = true;
      }
    }
  }

  /** Scrolls so that row `index` is at the top (or in view, with align 'nearest'). */
  scrollTo(index, align = 'start') {
    const y = index * this.rowHeight;
    if (align === 'nearest') {
      const top = this.el.scrollTop;
      const bottom = top + this.el.clientHeight - this.rowHeight;
      if (y >= top && y <= bottom) return;
    }
    this.el.scrollTop = align === 'center' ? y - this.el.clientHeight / 2 : y;
    this.render();
  }

  scrollToEnd() {
    this.el.scrollTop = this.spacer.offsetHeight;
    this.render();
  }

  atEnd() {
    return this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - this.rowHeight;
  }
}
