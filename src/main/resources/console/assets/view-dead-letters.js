// view-dead-letters.js: /console/dead-letters?provider=&connection=&category=&since=&until=&q=&state=&before=
// Filter, select many, dry run them (the request each would send), replay them (they leave the list).

import {
  h, td, timeEl, badge, dataTable, emptyState, errorBox, notice, link, batchHref, deadLetterHref, dayStart,
  isAbort, errorText, fmtNum, extraProviderMessage,
} from './dom.js';
import { getJson, postJson } from './api.js';
import { pageHeading, pager } from './router.js';
import { filterForm, hasFilters } from './filters.js';
import { dryRunList } from './replay.js';

const FIELDS = [
  { name: 'provider', label: 'Provider', type: 'text', list: 'providers', placeholder: 'any' },
  { name: 'connection', label: 'Connection', type: 'text', list: 'connections', placeholder: 'any' },
  { name: 'category', label: 'Category', type: 'select', options: [['', 'any'], ['rejected', 'rejected'], ['failed', 'failed']] },
  { name: 'since', label: 'Since (day)', type: 'date' },
  { name: 'until', label: 'Until (day, inclusive)', type: 'date' },
  { name: 'q', label: 'Text contains', type: 'search', placeholder: 'message or participant' },
  {
    name: 'state', label: 'State', type: 'select', default: 'pending',
    options: [['pending', 'pending (not replayed)'], ['replayed', 'replayed'], ['all', 'all']],
  },
];

const COLUMNS = [
  { label: 'Select', className: 'select' }, { label: 'Dead letter' }, { label: 'Written' }, { label: 'Provider' },
  { label: 'Connection' }, { label: 'Participant' }, { label: 'Category' }, { label: 'HTTP', num: true },
  { label: 'Reason' }, { label: 'From batch' }, { label: 'Replayed in' },
];

export const NO_DEAD_LETTERS = 'No dead letters: every rejected or failed record would be listed here';

export async function deadLettersView(ctx) {
  ctx.setTitle('Dead letters');
  const q = ctx.query;
  const state = q.get('state') || 'pending';
  const before = q.get('before') || '';
  const slot = h('div', { class: 'status-slot' });
  const result = h('div', { class: 'result', 'data-testid': 'replay-result', 'aria-live': 'polite' });
  const { wrap, table, tbody } = dataTable({ label: 'Dead letters', columns: COLUMNS, testid: 'dead-letter-table' });
  const below = h('div');
  const lists = h('div', { hidden: true }, h('datalist', { id: 'providers' }), h('datalist', { id: 'connections' }));

  // ---- selection and actions
  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select all dead letters on this page', 'data-testid': 'select-all' });
  table.querySelector('thead th').replaceChildren(selectAll);
  const count = h('span', { class: 'muted', 'data-testid': 'selected-count' }, 'None selected');
  const dryRunButton = h('button', { type: 'button', 'data-testid': 'dry-run-selected', disabled: true }, 'Dry run selected');
  const replayButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'replay-selected', disabled: true }, 'Replay selected');
  const actions = h('div', { class: 'toolbar actions-bar' }, dryRunButton, replayButton, count);

  const boxes = () => [...tbody.querySelectorAll('input[type=checkbox]:not(:disabled)')];
  const selectedIds = () => boxes().filter((b) => b.checked).map((b) => Number(b.value));
  const updateSelection = () => {
    const all = boxes();
    const ids = selectedIds();
    count.textContent = ids.length ? `${fmtNum(ids.length)} selected` : 'None selected';
    dryRunButton.disabled = replayButton.disabled = ids.length === 0;
    selectAll.checked = all.length > 0 && ids.length === all.length;
    selectAll.indeterminate = ids.length > 0 && ids.length < all.length;
    selectAll.disabled = all.length === 0;
  };
  selectAll.addEventListener('change', () => {
    for (const b of boxes()) b.checked = selectAll.checked;
    updateSelection();
  });
  tbody.addEventListener('change', updateSelection);

  ctx.main.append(pageHeading('Dead letters'), filterForm(ctx, '/console/dead-letters', FIELDS, 'dead-letter-filters'),
    lists, slot, actions, result, wrap, below);
  fillDatalists(ctx, lists);

  let page;
  try {
    page = await getJson('/api/v1/dead-letters', {
      query: {
        provider: q.get('provider'), connection: q.get('connection'), category: q.get('category'),
        since: dayStart(q.get('since')), until: dayStart(q.get('until'), 1), q: q.get('q'),
        state: state === 'pending' ? null : state, limit: 50, before,
      },
      signal: ctx.signal,
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    wrap.hidden = actions.hidden = true;
    slot.append(errorBox(err, err.status === 400 ? 'Filter not accepted' : 'Dead letters could not be loaded'));
    return;
  }
  const items = page.items || [];
  tbody.append(...items.map(deadLetterRow));
  const showEmpty = () => {
    wrap.hidden = actions.hidden = true;
    below.replaceChildren(emptyState(hasFilters(ctx, FIELDS)
      ? ['No dead letter matches these filters. ', link('/console/dead-letters', 'Show all pending dead letters')]
      : NO_DEAD_LETTERS));
  };
  if (items.length === 0 && !before && !page.next) showEmpty();
  else {
    if (items.length === 0) {
      // a text search looks at a bounded stretch of dead letters per page: none here, older ones may match
      wrap.hidden = actions.hidden = true;
      below.append(emptyState(['No match in this stretch; ', 'Older → searches further back.']));
    }
    below.append(pager(ctx, { param: 'before', next: page.next, label: 'Dead letter pages' }));
  }
  updateSelection();

  const busy = (on) => {
    dryRunButton.disabled = replayButton.disabled = on || selectedIds().length === 0;
    replayButton.textContent = on ? 'Working…' : 'Replay selected';
  };

  dryRunButton.addEventListener('click', async () => {
    const ids = selectedIds();
    busy(true);
    result.replaceChildren(notice('info', `Dry run of ${fmtNum(ids.length)} dead letters…`));
    try {
      const { data } = await postJson('/api/v1/dead-letters/replay', { ids, dry_run: true }, { signal: ctx.signal });
      result.replaceChildren(
        notice('info', `Dry run: nothing was sent. What replaying the ${fmtNum(ids.length)} selected dead letters would do:`),
        dryRunList(data.items || []));
    } catch (err) {
      if (isAbort(err)) throw err;
      result.replaceChildren(errorBox(err, 'Dry run failed'));
    } finally {
      busy(false);
    }
  });

  replayButton.addEventListener('click', async () => {
    const ids = selectedIds();
    busy(true);
    result.replaceChildren(notice('info', `Replaying ${fmtNum(ids.length)} dead letters…`));
    try {
      const { data } = await postJson('/api/v1/dead-letters/replay', { ids, dry_run: false }, { signal: ctx.signal });
      const replayed = new Set((data.replayed || []).map(Number));
      if (state === 'pending') {
        for (const tr of [...tbody.children]) if (replayed.has(Number(tr.dataset.id))) tr.remove();
      } else {
        for (const tr of [...tbody.children]) {
          if (replayed.has(Number(tr.dataset.id))) markReplayed(tr, data.batch_id);
        }
      }
      result.replaceChildren(replayNotice(data));
      if (tbody.children.length === 0) {
        showEmpty();
        below.prepend(h('p', null, 'All dead letters on this page were replayed. ', link('/console/dead-letters' + location.search, 'Reload the list')));
      }
    } catch (err) {
      if (isAbort(err)) throw err;
      result.replaceChildren(replayError(err));
    } finally {
      updateSelection();
      busy(false);
    }
  });
}

function replayNotice(data) {
  const replayed = data.replayed || [];
  const skipped = data.skipped || [];
  return h('div', null,
    notice('ok', `Replayed ${fmtNum(replayed.length)} dead letter${replayed.length === 1 ? '' : 's'} in batch `,
      h('a', { href: batchHref(data.batch_id), 'data-testid': 'replay-batch-link' }, data.batch_id),
      '. Their new outcomes are in that batch; any that fail again get a new dead letter.'),
    skipped.length ? notice('warn', 'Skipped (not sent): ',
      h('ul', null, skipped.map((s) => h('li', null, link(deadLetterHref(s.id), `#${s.id}`), `: ${s.reason}`)))) : null);
}

function replayError(err) {
  const errors = err.problem && Array.isArray(err.problem.errors) ? err.problem.errors : null;
  if (err.status === 422 && errors) {
    return h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'error', 'data-status': '422' },
      'Nothing was sent: fix these dead letters first (open one to edit it).',
      h('ul', null, errors.map((e) => h('li', { 'data-testid': 'field-error', 'data-field': e.field, 'data-id': e.id },
        link(deadLetterHref(e.id), `#${e.id}`), e.field ? ` ${e.field}: ` : ': ', e.message))));
  }
  if (err.status === 409) {
    const skipped = err.problem && Array.isArray(err.problem.skipped) ? err.problem.skipped : [];
    return notice('warn', `Nothing was replayed: ${errorText(err)}. `,
      link('/console/dead-letters' + location.search, 'Reload the list'),
      skipped.length ? h('ul', null, skipped.map((s) => h('li', null, link(deadLetterHref(s.id), `#${s.id}`), `: ${s.reason}`))) : null);
  }
  return errorBox(err, 'Replay failed');
}

function markReplayed(tr, batchId) {
  const box = tr.querySelector('input[type=checkbox]');
  box.checked = false;
  box.disabled = true;
  tr.dataset.state = 'replayed';
  tr.lastElementChild.replaceChildren(link(batchHref(batchId), 'new batch'));
}

export function deadLetterRow(d) {
  const replayed = d.replayed_by != null;
  return h('tr', { 'data-testid': 'dead-letter-row', 'data-id': d.id, 'data-state': replayed ? 'replayed' : 'pending', 'data-category': d.category },
    h('td', { class: 'select' }, h('input', {
      type: 'checkbox', value: d.id, disabled: replayed, 'data-testid': 'select-dead-letter',
      'aria-label': `Select dead letter ${d.id}${d.participant ? ` (${d.participant})` : ''}`,
    })),
    td(h('a', { href: deadLetterHref(d.id), 'data-testid': 'dead-letter-link' }, `#${d.id}`)),
    td(timeEl(d.created_at), { class: 'nowrap' }),
    td(d.provider ?? '—'),
    td(d.connection ?? '—'),
    td(d.participant ?? '—', { class: 'participant' }),
    td(badge(d.category)),
    h('td', { class: 'num' }, d.http_status ?? '—'),
    h('td', { class: 'message' },
      d.error_category ? h('span', { class: 'tag' }, d.error_category) : null,
      h('span', null, d.message ?? ''),
      extraProviderMessage(d.message, d.provider_message)
        ? h('span', { class: 'sub' }, `Provider${d.provider_code ? ` ${d.provider_code}` : ''}: ${d.provider_message}`) : null),
    td([link(batchHref(d.batch_id), d.source || d.batch_id), d.row != null ? h('span', { class: 'sub' }, `row ${fmtNum(d.row)}`) : null]),
    td(replayed ? link(batchHref(d.replayed_by), 'batch') : h('span', { class: 'muted' }, 'not yet')),
  );
}

/** Suggestions for the provider and connection filters, from the connections (best effort). */
async function fillDatalists(ctx, lists) {
  try {
    const data = await getJson('/api/v1/connections', { signal: ctx.signal, auth: false });
    const items = data.items || [];
    const providers = [...new Set(items.map((c) => c.provider))].sort();
    lists.children[0].replaceChildren(...providers.map((p) => h('option', { value: p })));
    lists.children[1].replaceChildren(...items.map((c) => h('option', { value: c.name })));
  } catch { /* only suggestions */ }
}
