// Times, durations, numbers and states as people read them: dates in the browser's time zone,
// "3 min ago", "4.02 s", and one colour per kind of state.

import {h} from './dom.js';

const numbers = new Intl.NumberFormat();
const dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'medium'});
const timeOnly = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const relative = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto', style: 'short'});

/** 12,345 in the browser's locale. */
export function count(n) {
  return numbers.format(n);
}

/** Milliseconds since the epoch of an ISO instant (or null). */
export function ms(iso) {
  return iso ? preciseMs(iso) : null;
}

/** "7 Dec 2026, 10:00:01" in the browser's time zone. */
export function absolute(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

/** "10:00:01.234" (local, 24-hour), for log lines and timelines. */
export function clock(iso, millis = true) {
  if (!iso) return '';
  const d = new Date(iso);
  const text = timeOnly.format(d);
  return millis ? text + '.' + String(d.getMilliseconds()).padStart(3, '0') : text;
}

/** "3 min ago", "in 2 h", "now". */
export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = (Date.parse(iso) - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 10) return 'just now';
  if (abs < 60) return relative.format(Math.round(seconds), 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return relative.format(Math.round(seconds / 86400), 'day');
  if (abs < 86400 * 365) return relative.format(Math.round(seconds / (86400 * 30)), 'month');
  return relative.format(Math.round(seconds / (86400 * 365)), 'year');
}

/** A <time> that reads "3 min ago" (kept current by the page's ticker) with the full date as title. */
export function timeAgo(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  return h('time', {datetime: iso, title: absolute(iso), 'data-ago': iso}, ago(iso));
}

/** A duration in human units: "88 µs", "412 ms", "4.02 s", "3 min 12 s", "2 h 5 min", "3 d 4 h". */
export function duration(millis) {
  if (millis === null || millis === undefined || Number.isNaN(millis)) return '—';
  if (millis < 0) millis = 0;
  if (millis < 0.0005) return '0 µs';
  if (millis < 1) return Math.max(1, Math.round(millis * 1000)) + ' µs';
  if (millis < 1000) return Math.round(millis) + ' ms';
  const s = millis / 1000;
  if (s < 10) return s.toFixed(2) + ' s';
  if (s < 60) return s.toFixed(1) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min ' + Math.floor(s % 60) + ' s';
  const hours = Math.floor(m / 60);
  if (hours < 24) return hours + ' h ' + (m % 60) + ' min';
  return Math.floor(hours / 24) + ' d ' + (hours % 24) + ' h';
}

/** Milliseconds since the epoch of an ISO instant, keeping its microseconds (Date.parse drops them). */
export function preciseMs(iso) {
  const m = /\.(\d+)/.exec(iso);
  if (!m) return Date.parse(iso);
  const fraction = Number('0.' + m[1]) * 1000;
  return Date.parse(iso.replace(/\.\d+/, '')) + fraction;
}

/** The duration between two ISO instants; the second defaults to now (a run still going). */
export function between(startIso, endIso) {
  if (!startIso) return null;
  return (endIso ? preciseMs(endIso) : Date.now()) - preciseMs(startIso);
}

/**
 * An id as people quote it: its first 13 characters ("01a2f3c4-5d6e"), which for Sluice's
 * time-ordered ids hold the millisecond it was made; a prefix, so the runs search finds it.
 */
export function shortId(id) {
  return String(id).slice(0, 13);
}

// ---- states

/** The groups the dashboard colours and counts by, in the order it shows them. */
export const GROUPS = [
  {key: 'completed', label: 'Completed', names: ['Completed', 'Cached']},
  {key: 'failed', label: 'Failed', names: ['Failed', 'TimedOut']},
  {key: 'crashed', label: 'Crashed', names: ['Crashed']},
  {key: 'cancelled', label: 'Cancelled', names: ['Cancelled', 'Cancelling']},
  {key: 'running', label: 'Running', names: ['Running', 'Retrying']},
  {key: 'scheduled', label: 'Scheduled / late', names: ['Scheduled', 'Late', 'AwaitingRetry',
    'AwaitingConcurrencySlot']},
  {key: 'pending', label: 'Pending', names: ['Pending', 'NotReady']},
  {key: 'skipped', label: 'Skipped', names: ['Skipped']},
];

const GROUP_OF = new Map();
for (const g of GROUPS) for (const n of g.names) GROUP_OF.set(n, g.key);

/** The colour group of a state name ("Failed" → "failed"); unknown names by type. */
export function group(name, type) {
  const known = GROUP_OF.get(name);
  if (known) return known;
  switch (type) {
    case 'COMPLETED': return 'completed';
    case 'FAILED': return 'failed';
    case 'CRASHED': return 'crashed';
    case 'CANCELLED': return 'cancelled';
    case 'RUNNING': return 'running';
    case 'SCHEDULED': return 'scheduled';
    default: return 'pending';
  }
}

/** A state as words: "AwaitingRetry" → "Awaiting retry". */
export function stateLabel(name) {
  return String(name).replace(/([a-z])([A-Z])/g, (_, a, b) => a + ' ' + b.toLowerCase());
}

/** A coloured badge for a state ({name, type, message}). */
export function badge(state, extra) {
  const key = group(state.name, state.type);
  return h('span', {class: ['badge', 'st-' + key, extra], 'data-state': state.name,
    title: state.message || null}, stateLabel(state.name));
}

/** Whether nothing more will happen to a run in this state (as StateRecord.isFinal). */
export function isFinal(state) {
  switch (state.type) {
    case 'COMPLETED': case 'FAILED': case 'CRASHED': return true;
    case 'CANCELLED': return state.name !== 'Cancelling';
    case 'PENDING': return state.name === 'NotReady';
    default: return false;
  }
}

/** The first line of a text (an error's message line). */
export function firstLine(text) {
  if (!text) return '';
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}

/**
 * A failed run's error as one line to scan: the first line of its state's message, without the
 * "FlowFailedException: flow 'NAME' failed: " the engine puts before the failed tasks.
 */
export function errorLine(message) {
  return firstLine(message).replace(/^FlowFailedException: flow '.*?' failed: /, '');
}

/** Refreshes every "3 min ago" under root (called by the app's ticker). */
export function refreshTimes(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll('[data-ago]')) {
    const text = ago(el.dataset.ago, now);
    if (el.textContent !== text) el.textContent = text;
  }
  for (const el of root.querySelectorAll('[data-since]')) {
    const text = duration(now - Date.parse(el.dataset.since));
    if (el.textContent !== text) el.textContent = text;
  }
}

/** A running duration that counts up (refreshTimes), or a fixed one when the end is known. */
export function runningDuration(startIso, endIso) {
  if (!startIso) return h('span', {class: 'muted'}, '—');
  if (endIso) return h('span', {class: 'dur'}, duration(between(startIso, endIso)));
  return h('span', {class: 'dur', 'data-since': startIso}, duration(between(startIso, null)));
}
