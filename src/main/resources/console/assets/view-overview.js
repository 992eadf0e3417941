// view-overview.js: /console/?range=hour|day|week&chart=stacked|lines
// Records by outcome over time, one line per connection, the latest batches; refreshed every 5 s in place.

import {
  h, appendAll, td, timeEl, fmtNum, fmtMs, fmtClock, fmtSeconds, badge, dataTable, syncRows, emptyState, errorBox,
  notice, errorText, section, isAbort,
} from './dom.js';
import { getJson } from './api.js';
import { pageHeading, withQuery } from './router.js';
import { outcomesChart, OUTCOMES } from './chart.js';
import { batchRow, batchTable, NO_BATCHES } from './view-batches.js';

const REFRESH_MS = 5000;
const RANGES = [['hour', 'Last hour'], ['day', 'Last day'], ['week', 'Last week']];
const MODES = [['stacked', 'Stacked'], ['lines', 'Lines']];

export async function overviewView(ctx) {
  ctx.setTitle('Overview');
  const settings = {
    range: RANGES.some(([r]) => r === ctx.query.get('range')) ? ctx.query.get('range') : 'day',
    mode: ctx.query.get('chart') === 'lines' ? 'lines' : 'stacked',
  };
  const updated = h('span', { class: 'muted small', 'data-testid': 'last-updated', 'aria-live': 'off' });
  ctx.main.append(pageHeading('Overview', updated));

  const outcomes = outcomesPanel(ctx, settings);
  const connections = connectionsPanel(ctx);
  const batches = latestBatchesPanel(ctx);
  ctx.main.append(outcomes.el, connections.el, batches.el);

  const refreshAll = async () => {
    const results = await Promise.allSettled([outcomes.load(), connections.load(), batches.load()]);
    if (ctx.signal.aborted) return;
    if (results.every((r) => r.status === 'fulfilled')) {
      updated.textContent = `Updated ${fmtClock(new Date())} · refreshes every ${REFRESH_MS / 1000} s`;
      updated.classList.remove('stale');
    } else {
      updated.textContent = `Last refresh failed at ${fmtClock(new Date())}; retrying`;
      updated.classList.add('stale');
    }
  };
  await refreshAll();
  ctx.every(REFRESH_MS, refreshAll);
}

/** A panel's loader that shows an error in the panel and keeps the data it had (marked stale). */
function guarded(ctx, slot, what, fn) {
  return async () => {
    try {
      await fn();
      slot.replaceChildren();
    } catch (err) {
      if (isAbort(err)) throw err;
      slot.replaceChildren(slot.dataset.loaded
        ? notice('warn', `${what} could not be refreshed: ${errorText(err)}. Showing the last figures.`)
        : errorBox(err, `${what} could not be loaded`));
      throw err;
    }
    slot.dataset.loaded = 'yes';
  };
}

// ---- outcomes chart ---------------------------------------------------------------------------------------

function outcomesPanel(ctx, settings) {
  const slot = h('div', { class: 'status-slot' });
  // The totals line below is the chart's text alternative; the legend (click to hide an outcome) stays reachable.
  const chartBox = h('div', { class: 'chart', 'data-testid': 'outcomes-chart', 'aria-describedby': 'outcome-totals' });
  const totals = h('p', { class: 'totals', id: 'outcome-totals', 'data-testid': 'outcome-totals' });
  const chart = outcomesChart(chartBox);
  ctx.onCleanup(() => chart.destroy());

  const group = (label, options, current, onPick, testid) => h('div', { class: 'segmented', role: 'group', 'aria-label': label, 'data-testid': testid },
    options.map(([value, text]) => h('button', {
      type: 'button', 'aria-pressed': String(value === current), 'data-value': value,
      onclick: (event) => {
        for (const b of event.currentTarget.parentElement.children) b.setAttribute('aria-pressed', String(b === event.currentTarget));
        onPick(value);
      },
    }, text)));

  const remember = () => history.replaceState(history.state, '',
    withQuery({ range: settings.range === 'day' ? null : settings.range, chart: settings.mode === 'stacked' ? null : settings.mode }));
  const load = guarded(ctx, slot, 'The outcomes', async () => {
    const data = await getJson('/api/v1/outcomes', { query: { range: settings.range }, signal: ctx.signal });
    const drawn = chart.update(data.buckets || [], settings.mode, data.bucket_seconds, data.range);
    if (!drawn) chartBox.replaceChildren(h('p', { class: 'muted' }, 'The chart library did not load; the totals are below.'));
    showTotals(totals, data);
  });

  const toolbar = h('div', { class: 'toolbar' },
    group('Time range', RANGES, settings.range, (v) => { settings.range = v; remember(); load().catch(() => {}); }, 'range'),
    group('Chart style', MODES, settings.mode, (v) => { settings.mode = v; remember(); load().catch(() => {}); }, 'chart-mode'));
  const el = section('Records by outcome', toolbar, slot, chartBox, totals);
  return { el, load };
}

function showTotals(el, data) {
  const sums = Object.fromEntries(OUTCOMES.map((o) => [o.key, 0]));
  for (const b of data.buckets || []) for (const o of OUTCOMES) sums[o.key] += Number(b[o.key]) || 0;
  const received = Object.values(sums).reduce((a, b) => a + b, 0);
  const rangeText = { hour: 'last hour', day: 'last day', week: 'last week' }[data.range] || data.range;
  el.replaceChildren();
  appendAll(el, [
    `In the ${rangeText}: `,
    h('strong', { 'data-outcome': 'received' }, fmtNum(received)), ' records',
    OUTCOMES.map((o) => [' · ', h('span', { 'data-outcome': o.key }, badge(o.key), ' ', fmtNum(sums[o.key]))]),
    data.bucket_seconds ? h('span', { class: 'muted' }, ` (one point per ${fmtSeconds(data.bucket_seconds)})`) : null,
  ]);
}

// ---- connections ------------------------------------------------------------------------------------------

const CONNECTION_COLUMNS = [
  { label: 'Connection' }, { label: 'Provider' }, { label: 'State' }, { label: 'In flight', num: true },
  { label: 'Waiting', num: true }, { label: 'Rate limit use' }, { label: 'Latency p50', num: true },
  { label: 'p95', num: true }, { label: 'Calls', num: true }, { label: 'Last error' },
];

export function connectionRow(c) {
  const rl = c.rate_limit;
  const latency = c.latency_ms || {};
  return h('tr', { 'data-testid': 'connection-row', 'data-connection': c.name, 'data-state': c.state },
    td([h('strong', null, c.name),
      h('a', { class: 'sub', href: `/console/dead-letters?connection=${encodeURIComponent(c.name)}`, 'aria-label': `Dead letters of ${c.name}` }, 'dead letters')]),
    td(c.provider),
    td(badge(c.state)),
    h('td', { class: 'num nowrap', 'data-col': 'in_flight' },
      fmtNum(c.in_flight), c.max_concurrency ? h('span', { class: 'muted' }, ` / ${fmtNum(c.max_concurrency)}`) : null),
    h('td', { class: 'num', 'data-col': 'waiting' }, fmtNum(c.waiting)),
    h('td', { class: 'nowrap', 'data-col': 'rate_limit' }, rl ? rateLimit(rl) : h('span', { class: 'muted' }, 'no limit')),
    h('td', { class: 'num', 'data-col': 'p50' }, c.latency_ms ? fmtMs(latency.p50) : '—'),
    h('td', { class: 'num', 'data-col': 'p95' }, c.latency_ms ? fmtMs(latency.p95) : '—'),
    h('td', { class: 'num', 'data-col': 'calls' }, fmtNum(c.calls)),
    h('td', { class: 'message', 'data-col': 'last_error' }, c.last_error
      ? [timeEl(c.last_error.at), h('span', { class: 'sub' }, c.last_error.message)]
      : h('span', { class: 'muted' }, 'none')),
  );
}

function rateLimit(rl) {
  const text = `${fmtNum(rl.used)} / ${fmtNum(rl.limit)} per ${fmtNum(rl.per_seconds)}s`;
  const share = rl.limit > 0 ? Math.min(1, rl.used / rl.limit) : 0;
  const bar = h('span', { class: `meter${share >= 0.9 ? ' meter-high' : ''}`, 'aria-hidden': 'true' }, h('span'));
  bar.firstChild.style.width = `${Math.round(share * 100)}%`;
  return [bar, text];
}

function connectionsPanel(ctx) {
  const slot = h('div', { class: 'status-slot' });
  const { wrap, tbody } = dataTable({ label: 'Connections', columns: CONNECTION_COLUMNS, testid: 'connection-table' });
  const empty = h('div');
  const load = guarded(ctx, slot, 'The connections', async () => {
    const data = await getJson('/api/v1/connections', { signal: ctx.signal });
    const items = data.items || [];
    syncRows(tbody, items, (c) => c.name, connectionRow);
    wrap.hidden = items.length === 0;
    empty.replaceChildren(items.length ? '' : emptyState('No connections: configure a provider (see README "Connections").'));
  });
  return { el: section('Connections', slot, wrap, empty), load };
}

// ---- latest batches ---------------------------------------------------------------------------------------

function latestBatchesPanel(ctx) {
  const slot = h('div', { class: 'status-slot' });
  const { wrap, tbody } = batchTable('Latest batches');
  const empty = h('div');
  const load = guarded(ctx, slot, 'The latest batches', async () => {
    const data = await getJson('/api/v1/batches', { query: { limit: 10 }, signal: ctx.signal });
    const items = data.items || [];
    syncRows(tbody, items, (b) => b.batch_id, batchRow);
    wrap.hidden = items.length === 0;
    empty.replaceChildren(items.length ? '' : emptyState(NO_BATCHES));
  });
  const more = h('p', { class: 'more' }, h('a', { href: '/console/batches' }, 'All batches →'));
  return { el: section('Latest batches', slot, wrap, empty, more), load };
}
