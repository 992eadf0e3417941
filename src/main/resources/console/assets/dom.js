// dom.js: building the page safely and formatting values.
// Every piece of data goes into the page as text (text nodes, textContent, attribute values); no HTML strings.

/** Creates an element. attrs: attributes (false/null skipped, true = empty), plus
 *  class, dataset {..}, on<event> functions. children: nodes, strings (as text), arrays, null/false skipped. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (name === 'class') el.className = value;
      else if (name === 'dataset') {
        for (const [k, v] of Object.entries(value)) if (v != null) el.dataset[k] = String(v);
      } else if (name.startsWith('on') && typeof value === 'function') {
        el.addEventListener(name.slice(2), value);
      } else if (value === true) el.setAttribute(name, '');
      else el.setAttribute(name, String(value));
    }
  }
  appendAll(el, children);
  return el;
}

/** Replaces el's children (arrays flattened, null/false skipped, strings as text). */
export function fill(el, ...children) {
  el.replaceChildren();
  return appendAll(el, children);
}

export function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The console's own links: real hrefs under /console/, path segments encoded. */
export function consoleHref(...segments) {
  return '/console/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}
export const batchHref = (id) => consoleHref('batches', id);
export const deadLetterHref = (id) => consoleHref('dead-letters', id);

export function link(href, ...children) {
  return h('a', { href }, ...children);
}

// ---- formatting (the browser's locale and time zone) -------------------------------------------------------

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
export const timeZone = new Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}
export function fmtClock(date) {
  return timeOnly.format(date);
}
/** A <time> element: local time shown, the instant (UTC) in the tooltip. */
export function timeEl(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: iso }, fmtTime(iso));
}

export function fmtNum(n) {
  if (n == null || n === '') return '—';
  const v = Number(n);
  return Number.isFinite(v) ? v.toLocaleString() : String(n);
}

export function fmtMs(ms) {
  if (ms == null) return '—';
  const v = Number(ms);
  return `${v.toLocaleString(undefined, { maximumFractionDigits: v < 10 ? 1 : 0 })} ms`;
}

export function fmtDuration(ms) {
  if (ms == null) return '—';
  const v = Number(ms);
  if (v < 1000) return `${Math.round(v).toLocaleString()} ms`;
  const s = v / 1000;
  if (s < 60) return `${s.toLocaleString(undefined, { maximumFractionDigits: 1 })} s`;
  const totalS = Math.round(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return `${m} min ${totalS % 60} s`;
  const hrs = Math.floor(m / 60);
  return `${hrs.toLocaleString()} h ${m % 60} min`;
}

export function fmtSeconds(n) {
  const v = Number(n);
  if (v % 3600 === 0 && v >= 3600) return `${(v / 3600).toLocaleString()} h`;
  if (v % 60 === 0 && v >= 60) return `${(v / 60).toLocaleString()} min`;
  return `${v.toLocaleString()} s`;
}

/** A date input's value (YYYY-MM-DD, the browser's day) as the instant the day starts; other text as it is. */
export function dayStart(value, plusDays = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return value || undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).toISOString();
}

// ---- badges: colour plus words, never colour alone ----------------------------------------------------------

const BADGES = {
  updated: ['ok', 'updated'],
  unchanged: ['neutral', 'unchanged'],
  rejected: ['warn', 'rejected'],
  failed: ['bad', 'failed'],
  running: ['info', 'running'],
  completed: ['ok', 'completed'],
  problems: ['warn', 'completed with problems'],
  ok: ['ok', 'ok'],
  breaker_open: ['bad', 'breaker open'],
  rate_limited: ['warn', 'rate-limited'],
  token_failing: ['bad', 'token failing'],
  pending: ['info', 'pending'],
  replayed: ['neutral', 'replayed'],
  would_send: ['ok', 'would send'],
  would_reject: ['bad', 'would reject'],
  already_replayed: ['neutral', 'already replayed'],
  idle: ['neutral', 'idle'],
};

export function badge(value, label) {
  const [tone, text] = BADGES[value] || ['neutral', String(value ?? '—')];
  return h('span', { class: `badge badge-${tone}`, 'data-testid': 'badge', 'data-value': value }, label || text);
}

/** A batch's status as shown: "completed" with rejected or failed records is "completed with problems". */
export function batchStatusBadge(batch) {
  const c = batch.counts || {};
  if (batch.status === 'completed' && (c.rejected || 0) + (c.failed || 0) > 0) return badge('problems');
  return badge(batch.status);
}

/** The provider's message when the service's message does not already contain it. */
export function extraProviderMessage(message, providerMessage) {
  if (!providerMessage) return null;
  return message && message.includes(providerMessage) ? null : providerMessage;
}

// ---- tables -------------------------------------------------------------------------------------------------

/** A table inside a horizontally scrolling, keyboard-focusable wrapper. columns: [{label, num}] */
export function dataTable({ label, columns, testid }) {
  const tbody = h('tbody');
  const table = h('table', { class: 'data', 'data-testid': testid },
    h('caption', { class: 'visually-hidden' }, label),
    h('thead', null, h('tr', null, columns.map((c) =>
      h('th', { scope: 'col', class: c.num ? 'num' : c.className }, c.label)))),
    tbody);
  const wrap = h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table);
  return { wrap, table, tbody };
}

export function td(content, attrs) {
  return h('td', attrs, content);
}

/** A count cell: right aligned, zero muted, rejected/failed above zero marked. */
export function countCell(counts, key) {
  const n = counts ? counts[key] : null;
  const cls = ['num'];
  if (!n) cls.push('muted');
  else if (key === 'rejected') cls.push('count-warn');
  else if (key === 'failed') cls.push('count-bad');
  return h('td', { class: cls.join(' '), 'data-count': key }, fmtNum(n ?? 0));
}

const signatures = new WeakMap();
/** Brings tbody's rows in line with items without rebuilding unchanged rows (no flicker, focus kept). */
export function syncRows(tbody, items, keyOf, build) {
  const old = new Map();
  for (const tr of tbody.children) old.set(tr.dataset.key, tr);
  const rows = items.map((item) => {
    const key = String(keyOf(item));
    const sig = JSON.stringify(item);
    const prev = old.get(key);
    if (prev && signatures.get(prev) === sig) return prev;
    const tr = build(item);
    tr.dataset.key = key;
    signatures.set(tr, sig);
    if (prev && prev.contains(document.activeElement)) {
      queueMicrotask(() => tr.querySelector('a, button, input')?.focus());
    }
    return tr;
  });
  rows.forEach((tr, i) => {
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
  });
  while (tbody.children.length > rows.length) tbody.lastElementChild.remove();
}

// ---- notices, empty states, errors --------------------------------------------------------------------------

/** kind: ok | info | warn | error */
export function notice(kind, ...children) {
  return h('div', {
    class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status',
    'data-testid': 'notice', 'data-kind': kind,
  }, ...children);
}

export function emptyState(...children) {
  return h('p', { class: 'empty', 'data-testid': 'empty' }, ...children);
}

/** The text of an error for people: a problem's detail (or title), or the message. */
export function errorText(err) {
  if (!err) return 'Unknown error';
  if (err.problem) {
    const p = err.problem;
    const main = p.detail || p.title || `HTTP ${err.status}`;
    return p.title && p.detail && !p.detail.startsWith(p.title) ? `${p.title}: ${p.detail}` : main;
  }
  return err.message || String(err);
}

export function errorBox(err, prefix) {
  return h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'error', 'data-status': err && err.status },
    prefix ? `${prefix}: ` : '', errorText(err));
}

export function isAbort(err) {
  return err && (err.name === 'AbortError' || err.name === 'AuthError');
}

/** A definition list from [label, value] pairs (value: node or text). */
export function facts(pairs, testid) {
  return h('dl', { class: 'facts', 'data-testid': testid },
    pairs.filter(Boolean).map(([label, value, key]) => h('div', { class: 'fact', 'data-fact': key },
      h('dt', null, label), h('dd', null, value == null || value === '' ? '—' : value))));
}

export function section(title, ...children) {
  const id = 'h-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}
