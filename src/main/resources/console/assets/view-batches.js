// view-batches.js: the run history of every source (/console/batches?kind=&status=&since=&until=&q=&before=),
// and the batch row the overview shares.

import {
  h, td, timeEl, fmtDuration, countCell, batchStatusBadge, batchHref, dataTable, syncRows, emptyState,
  errorBox, dayStart, link, isAbort,
} from './dom.js';
import { getJson } from './api.js';
import { pageHeading, pager } from './router.js';
import { filterForm, hasFilters } from './filters.js';

export const COUNT_KEYS = ['received', 'updated', 'unchanged', 'rejected', 'failed'];

export const BATCH_COLUMNS = [
  { label: 'Started' }, { label: 'Source' }, { label: 'Kind' }, { label: 'Status' },
  { label: 'Duration', num: true },
  ...COUNT_KEYS.map((k) => ({ label: k[0].toUpperCase() + k.slice(1), num: true })),
];

export function batchRow(b) {
  const source = b.source || {};
  return h('tr', { 'data-testid': 'batch-row', 'data-batch-id': b.batch_id, 'data-status': b.status },
    td(timeEl(b.started_at), { class: 'nowrap' }),
    td([
      link(batchHref(b.batch_id), source.name || b.batch_id),
      b.job ? h('span', { class: 'sub' }, `job ${b.job}`) : null,
    ], { class: 'source' }),
    td(source.kind || '—'),
    td(batchStatusBadge(b)),
    h('td', { class: 'num nowrap' }, b.duration_ms == null && b.status === 'running' ? 'running…' : fmtDuration(b.duration_ms)),
    COUNT_KEYS.map((k) => countCell(b.counts, k)),
  );
}

export function batchTable(label) {
  return dataTable({ label, columns: BATCH_COLUMNS, testid: 'batch-table' });
}

export const NO_BATCHES = 'No batches yet: drop a CSV file into inbox/ or POST to /api/v1/participant-updates';

const FIELDS = [
  {
    name: 'kind', label: 'Source kind', type: 'select',
    options: [['', 'any'], ['csv', 'CSV file'], ['http', 'HTTP request'], ['jms', 'JMS queue'], ['kafka', 'Kafka topic'],
      ['sync', 'sync command'], ['sync-job', 'sync job'], ['replay', 'replay']],
  },
  {
    name: 'status', label: 'Status', type: 'select',
    options: [['', 'any'], ['running', 'running'], ['completed', 'completed'], ['failed', 'failed'],
      ['problems', 'with rejected or failed records']],
  },
  { name: 'since', label: 'Since (day)', type: 'date' },
  { name: 'until', label: 'Until (day, inclusive)', type: 'date' },
  { name: 'q', label: 'Source name contains', type: 'search', placeholder: 'e.g. orders.csv' },
];

export async function batchesView(ctx) {
  ctx.setTitle('Batches');
  const q = ctx.query;
  const status = h('div', { class: 'status-slot' });
  const { wrap, tbody } = batchTable('Batches');
  const below = h('div');
  ctx.main.append(
    pageHeading('Batches'),
    filterForm(ctx, '/console/batches', FIELDS, 'batch-filters'),
    status, wrap, below);

  const before = q.get('before') || '';
  const query = {
    kind: q.get('kind'), status: q.get('status'), q: q.get('q'),
    since: dayStart(q.get('since')), until: dayStart(q.get('until'), 1),
    limit: 50, before,
  };
  const load = async () => {
    const page = await getJson('/api/v1/batches', { query, signal: ctx.signal });
    syncRows(tbody, page.items, (b) => b.batch_id, batchRow);
    return page;
  };

  let page;
  try {
    page = await load();
  } catch (err) {
    if (isAbort(err)) throw err;
    wrap.hidden = true;
    status.append(errorBox(err, err.status === 400 ? 'Filter not accepted' : 'Batches could not be loaded'));
    return;
  }
  const showPager = (next) => {
    const focused = document.activeElement?.dataset?.testid;
    below.replaceChildren(pager(ctx, { param: 'before', next, label: 'Batch pages' }));
    if (focused && below.querySelector(`[data-testid="${focused}"]`)) below.querySelector(`[data-testid="${focused}"]`).focus();
  };
  let shownNext = page.next;
  if (page.items.length === 0 && !before && !page.next) {
    wrap.hidden = true;
    below.append(emptyState(hasFilters(ctx, FIELDS)
      ? ['No batch matches these filters. ', link('/console/batches', 'Show all batches')]
      : NO_BATCHES));
    shownNext = undefined;
  } else {
    if (page.items.length === 0) {
      // a text search looks at a bounded stretch of history per page: none here, older ones may match
      wrap.hidden = true;
      status.append(emptyState(['No match in this stretch of history; ', 'Older → searches further back.']));
    }
    showPager(page.next);
  }
  // The first page follows new and finishing batches; older pages stay as they are.
  if (!before) {
    ctx.every(10000, async () => {
      const fresh = await load();
      if (fresh.items.length && wrap.hidden) wrap.hidden = false;
      if (fresh.items.length && fresh.next !== shownNext) {
        shownNext = fresh.next;
        showPager(fresh.next);
      }
    });
  }
}
