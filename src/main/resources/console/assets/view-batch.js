// view-batch.js: one batch (/console/batches/{id}?failures=1&after=…): summary, downloads, every record's outcome.

import {
  h, fill, td, timeEl, fmtNum, fmtDuration, badge, batchStatusBadge, dataTable, syncRows, emptyState, errorBox,
  notice, facts, section, link, deadLetterHref, isAbort, errorText, extraProviderMessage,
} from './dom.js';
import { getJson, download } from './api.js';
import { pageHeading, pager, navigate, withQuery } from './router.js';
import { COUNT_KEYS } from './view-batches.js';

const POLL_MS = 2000;

export async function batchView(ctx) {
  const id = ctx.params[0];
  const enc = encodeURIComponent(id);
  ctx.setTitle(`Batch ${id}`);
  const failuresOnly = ctx.query.get('failures') === '1';
  const after = ctx.query.get('after') || '';

  const heading = pageHeading('Batch');
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/console/batches' }, '← Batches'));
  const summaryBox = h('div', { 'data-testid': 'batch-summary' });
  const recordsBox = h('div');
  ctx.main.append(crumbs, heading, summaryBox);

  let summary;
  try {
    summary = await getJson(`/api/v1/batches/${enc}/summary`, { signal: ctx.signal });
  } catch (err) {
    if (isAbort(err)) throw err;
    summaryBox.append(errorBox(err, err.status === 404 ? `No batch ${id}` : 'The batch could not be loaded'));
    return;
  }
  heading.querySelector('h1').textContent = `Batch: ${summary.source?.name || id}`;
  ctx.setTitle(`Batch ${summary.source?.name || id}`);
  renderSummary(summaryBox, summary);

  // ---- records
  const toggle = h('input', {
    type: 'checkbox', id: 'failures-only', checked: failuresOnly, 'data-testid': 'failures-only',
    onchange: (e) => navigate(withQuery({ failures: e.target.checked ? '1' : null, after: null })),
  });
  const slot = h('div', { class: 'status-slot' });
  const { wrap, tbody } = dataTable({ label: 'Records', columns: RECORD_COLUMNS, testid: 'record-table' });
  const below = h('div');
  recordsBox.append(
    h('div', { class: 'toolbar' }, h('label', { class: 'check' }, toggle, ' Failures only (rejected and failed)')),
    slot, wrap, below);
  ctx.main.append(section('Records', recordsBox));

  const loadRecords = async () => {
    const page = await getJson(`/api/v1/batches/${enc}/records`, {
      query: { outcome: failuresOnly ? 'rejected,failed' : null, after, limit: 100 }, signal: ctx.signal,
    });
    const items = page.items || [];
    syncRows(tbody, items, (r) => r.seq, recordRow);
    wrap.hidden = items.length === 0 && !after;
    const empty = items.length === 0 && !after
      ? emptyState(failuresOnly
        ? ['No rejected or failed records in this batch. ', link(withQuery({ failures: null, after: null }), 'Show all records')]
        : summary.records_kept === false
          ? 'The records of this batch are not kept in the state store: download its report.json.'
          : summary.status === 'running' ? 'No outcome recorded yet: the batch is running.' : 'This batch has no records.')
      : null;
    below.replaceChildren(empty || pager(ctx, { param: 'after', next: page.next, olderLabel: 'Next', newerLabel: 'Previous', label: 'Record pages' }));
  };
  try {
    await loadRecords();
  } catch (err) {
    if (isAbort(err)) throw err;
    wrap.hidden = true;
    slot.append(errorBox(err, 'The records could not be loaded'));
  }

  // A running batch is followed until it finishes.
  if (summary.status === 'running') {
    ctx.every(POLL_MS, async () => {
      if (summary.status !== 'running') return;
      try {
        summary = await getJson(`/api/v1/batches/${enc}/summary`, { signal: ctx.signal });
        renderSummary(summaryBox, summary);
        if (!after) await loadRecords();
        slot.replaceChildren();
      } catch (err) {
        if (isAbort(err)) throw err;
        slot.replaceChildren(notice('warn', `Could not refresh: ${errorText(err)}`));
      }
    });
  }
}

function renderSummary(box, s) {
  const enc = encodeURIComponent(s.batch_id);
  const counts = s.counts || {};
  const downloads = h('p', { class: 'downloads' },
    downloadLink(`/api/v1/batches/${enc}/report.json`, `${s.batch_id}.report.json`, 'Download report.json', 'download-report'),
    s.rejected_csv
      ? downloadLink(`/api/v1/batches/${enc}/rejected.csv`, `${s.batch_id}.rejected.csv`, 'Download rejected.csv', 'download-rejected')
      : h('span', { class: 'muted' }, 'No rejected CSV (no row of a file was rejected).'));
  fill(box,
    h('div', { class: 'counts', 'data-testid': 'batch-counts' }, COUNT_KEYS.map((k) =>
      h('div', { class: `count count-${k}`, 'data-count': k },
        h('span', { class: 'count-value' }, fmtNum(counts[k] ?? 0)), h('span', { class: 'count-label' }, k)))),
    facts([
      ['Status', batchStatusBadge(s), 'status'],
      ['Source', `${s.source?.kind || '?'}: ${s.source?.name || '—'}`, 'source'],
      s.job ? ['Sync job', h('a', { href: '/console/sync-jobs' }, s.job), 'job'] : null,
      ['Started', timeEl(s.started_at), 'started'],
      ['Finished', s.finished_at ? timeEl(s.finished_at) : 'not yet', 'finished'],
      ['Duration', s.duration_ms == null ? (s.status === 'running' ? 'running…' : '—') : fmtDuration(s.duration_ms), 'duration'],
      ['Batch id', h('code', null, s.batch_id), 'batch_id'],
    ], 'batch-facts'),
    s.failure ? notice('error', `Failure: ${s.failure}`) : null,
    s.notes && s.notes.length
      ? h('div', { class: 'notes' }, h('h3', null, 'Notes'), h('ul', { 'data-testid': 'batch-notes' }, s.notes.map((n) => h('li', null, typeof n === 'string' ? n : JSON.stringify(n)))))
      : null,
    downloads,
  );
}

/** A link to the API file; clicking it downloads with the Authorization header (Blob + object URL). */
function downloadLink(path, name, text, testid) {
  const status = h('span', { class: 'download-status', role: 'status' });
  const a = h('a', {
    href: path, class: 'button', 'data-testid': testid,
    onclick: async (event) => {
      event.preventDefault();
      status.textContent = ' downloading…';
      try {
        const saved = await download(path, name);
        status.textContent = ` saved as ${saved}`;
      } catch (err) {
        if (err.name === 'AuthError') return;
        status.textContent = ` ${errorText(err)}`;
      }
    },
  }, text);
  return h('span', { class: 'download' }, a, status);
}

const RECORD_COLUMNS = [
  { label: 'Row', num: true }, { label: 'Participant' }, { label: 'Provider' }, { label: 'Connection' },
  { label: 'Outcome' }, { label: 'HTTP', num: true }, { label: 'Provider code' }, { label: 'Message' },
  { label: 'Attempts', num: true }, { label: 'Verified' }, { label: 'Dead letter' },
];

export function recordRow(r) {
  const verified = r.verified == null ? '—' : r.verified ? 'yes' : 'no';
  const providerMessage = extraProviderMessage(r.message, r.provider_message);
  return h('tr', { 'data-testid': 'record-row', 'data-outcome': r.outcome, 'data-row': r.row, 'data-seq': r.seq },
    h('td', { class: 'num', title: r.source ? `${r.source}, record ${r.seq}` : null }, r.row == null ? '—' : fmtNum(r.row)),
    td(r.participant ?? '—', { class: 'participant' }),
    td(r.provider ?? '—'),
    td(r.connection ?? '—'),
    td(badge(r.outcome)),
    h('td', { class: 'num' }, r.http_status ?? '—'),
    td(r.provider_code ?? '—'),
    h('td', { class: 'message', 'data-col': 'message' },
      r.error_category ? h('span', { class: 'tag' }, r.error_category) : null,
      r.message ? h('span', null, r.message) : (providerMessage ? null : h('span', { class: 'muted' }, '—')),
      providerMessage ? h('span', { class: 'sub' }, `Provider: ${providerMessage}`) : null),
    h('td', { class: 'num' }, fmtNum(r.attempts)),
    td(verified),
    td(r.dead_letter_id != null
      ? h('a', { href: deadLetterHref(r.dead_letter_id), 'data-testid': 'dead-letter-link' }, `#${r.dead_letter_id}`)
      : h('span', { class: 'muted' }, '—')),
  );
}
