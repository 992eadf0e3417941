// view-dead-letter.js: /console/dead-letters/{id}: the original record, the reason, and a form to fix its
// fields and replay it (dry run first if you like); after a replay, its new outcome.

import {
  h, fill, timeEl, badge, facts, section, notice, errorBox, errorText, link, batchHref, deadLetterHref, fmtNum, isAbort,
} from './dom.js';
import { getJson, postJson } from './api.js';
import { pageHeading } from './router.js';
import { dryRunList } from './replay.js';

const MASK = '***';
const POLL_MS = 1000;
const POLL_LIMIT_MS = 5 * 60 * 1000;

export async function deadLetterView(ctx) {
  const id = ctx.params[0];
  ctx.setTitle(`Dead letter #${id}`);
  const heading = pageHeading(`Dead letter #${id}`);
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/console/dead-letters' }, '← Dead letters'));
  const top = h('div', { class: 'status-slot' });
  ctx.main.append(crumbs, heading, top);

  let dl;
  try {
    dl = await getJson(`/api/v1/dead-letters/${encodeURIComponent(id)}`, { signal: ctx.signal });
  } catch (err) {
    if (isAbort(err)) throw err;
    top.append(errorBox(err, err.status === 404 ? `No dead letter #${id}` : 'The dead letter could not be loaded'));
    return;
  }
  const stateSlot = h('span', { 'data-testid': 'dead-letter-state' });
  heading.append(h('div', { class: 'head-badges' }, badge(dl.category), ' ', stateSlot));
  const showState = () => {
    stateSlot.replaceChildren(dl.replayed_by ? badge('replayed') : badge('pending'));
    top.replaceChildren(dl.replayed_by
      ? notice('info', 'This dead letter was replayed in batch ', link(batchHref(dl.replayed_by), dl.replayed_by), '.')
      : '');
  };
  showState();

  ctx.main.append(
    h('div', { class: 'columns' },
      section('Reason', facts([
        ['Category', badge(dl.category), 'category'],
        ['Error category', dl.error_category, 'error_category'],
        ['Message', dl.message, 'message'],
        ['HTTP status', dl.http_status, 'http_status'],
        ['Provider code', dl.provider_code, 'provider_code'],
        ['Provider message', dl.provider_message, 'provider_message'],
      ], 'dead-letter-reason')),
      section('Where it came from', facts([
        ['Batch', link(batchHref(dl.batch_id), dl.source || dl.batch_id), 'batch'],
        ['Row', dl.row == null ? null : fmtNum(dl.row), 'row'],
        ['Written', timeEl(dl.created_at), 'created_at'],
        ['Provider', dl.provider, 'provider'],
        ['Connection', dl.connection, 'connection'],
        ['Participant', dl.participant, 'participant'],
      ], 'dead-letter-origin'))),
    section('Original record', recordTable(dl), originalRow(dl)),
    section('Fix and replay', editForm(ctx, dl, () => showState())),
  );
}

function isMasked(dl, field) {
  return (dl.masked || []).includes(field) || (dl.record || {})[field] === MASK;
}

function recordTable(dl) {
  const record = dl.record || {};
  const names = Object.keys(record);
  if (!names.length) return h('p', { class: 'muted' }, 'This dead letter holds no record (its message was not a record).');
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Original record', tabindex: '0' },
    h('table', { class: 'data fields', 'data-testid': 'original-record' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Value'))),
      h('tbody', null, names.map((name) => h('tr', { 'data-field': name },
        h('th', { scope: 'row' }, h('code', null, name)),
        h('td', null, isMasked(dl, name)
          ? h('span', { class: 'muted' }, '*** (masked: not kept)')
          : valueText(record[name])))))));
}

/** The row as it was in its CSV file (when the dead letter came from one). */
function originalRow(dl) {
  const row = dl.original_row;
  if (!row || typeof row !== 'object') return null;
  const names = Object.keys(row).filter((k) => row[k] != null && row[k] !== '');
  return h('details', { class: 'original-row', 'data-testid': 'original-row' },
    h('summary', null, `The row as it was in ${dl.source || 'its file'}${dl.row != null ? ` (row ${fmtNum(dl.row)})` : ''}: non-empty cells`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data fields' },
      h('tbody', null, names.map((name) => h('tr', null, h('th', { scope: 'row' }, h('code', null, name)), h('td', null, String(row[name]))))))));
}

function valueText(v) {
  if (v == null || v === '') return h('span', { class: 'muted' }, '(empty)');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function editForm(ctx, dl, onReplayed) {
  const id = dl.id;
  const record = dl.record || {};
  const names = [...Object.keys(record), ...(dl.fields || []).filter((f) => !(f in record))];
  const original = (name) => (isMasked(dl, name) || record[name] == null ? '' : String(record[name]));
  const inputs = new Map();

  const form = h('form', { class: 'edit-form', 'data-testid': 'edit-form', novalidate: true });
  const general = h('div', { class: 'status-slot' });
  const result = h('div', { class: 'result', 'data-testid': 'replay-result', 'aria-live': 'polite' });

  for (const name of names) {
    const inputId = `edit-${name}`;
    const masked = isMasked(dl, name);
    const hintText = masked
      ? 'Masked in the dead letter (never stored): re-enter the value to send it; left empty, it is not sent.'
      : !(name in record) ? 'Not in the record: empty leaves it unchanged.' : null;
    const input = h('input', {
      id: inputId, name, type: 'text', value: original(name), autocomplete: 'off', spellcheck: 'false',
      'data-field': name, placeholder: masked ? 're-enter to send' : null,
      'aria-describedby': hintText ? `${inputId}-hint` : null,
    });
    input.addEventListener('input', () => {
      input.closest('.field').classList.toggle('changed', input.value !== original(name));
    });
    inputs.set(name, input);
    form.append(h('div', { class: `field${masked ? ' masked' : ''}`, 'data-field': name },
      h('label', { for: inputId }, h('code', null, name)), input,
      hintText ? h('span', { class: 'hint', id: `${inputId}-hint` }, hintText) : null));
  }
  if (!names.length) form.append(h('p', { class: 'muted' }, 'Nothing to edit.'));

  const dryRun = h('button', { type: 'submit', 'data-testid': 'dry-run' }, 'Dry run');
  const replay = h('button', { type: 'button', class: 'primary', 'data-testid': 'replay' }, 'Replay');
  const reset = h('button', { type: 'button', 'data-testid': 'reset-edits' }, 'Undo changes');
  form.append(h('div', { class: 'toolbar form-actions' }, dryRun, replay, reset,
    h('span', { class: 'muted' }, 'Dry run shows the request without sending it. Only changed fields are sent as edits.')));

  const changes = () => {
    const out = {};
    for (const [name, input] of inputs) if (input.value !== original(name)) out[name] = input.value;
    return out;
  };
  const clearErrors = () => {
    general.replaceChildren();
    for (const el of form.querySelectorAll('[data-testid="field-error"]')) el.remove();
    for (const input of inputs.values()) {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', input.getAttribute('aria-describedby')?.split(' ').filter((x) => !x.endsWith('-error')).join(' ') || '');
    }
  };
  /** Shows the messages next to their fields; returns the ones without a field of the form. */
  const showFieldErrors = (errors) => {
    const rest = [];
    let first = null;
    for (const e of errors) {
      const input = e.field && inputs.get(e.field);
      if (!input) { rest.push(e); continue; }
      const errId = `${input.id}-error`;
      input.closest('.field').append(h('span', { class: 'field-error', id: errId, 'data-testid': 'field-error', 'data-field': e.field }, e.message));
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${errId}`.trim());
      first = first || input;
    }
    first?.focus();
    return rest;
  };
  const blocked = () => Boolean(dl.replayed_by) || dl.replayable === false;
  const setBusy = (on) => {
    dryRun.disabled = replay.disabled = reset.disabled = on || blocked();
  };
  setBusy(false);

  reset.addEventListener('click', () => {
    for (const [name, input] of inputs) {
      input.value = original(name);
      input.closest('.field').classList.remove('changed');
    }
    clearErrors();
    result.replaceChildren();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (blocked()) return;
    clearErrors();
    setBusy(true);
    result.replaceChildren(notice('info', 'Dry run…'));
    try {
      const { data } = await postJson('/api/v1/dead-letters/replay',
        { ids: [id], dry_run: true, edits: { [id]: changes() } }, { signal: ctx.signal });
      const items = data.items || [];
      const problems = items.flatMap((i) => i.problems || []);
      const rest = showFieldErrors(problems);
      fill(result,
        notice(problems.length ? 'warn' : 'info', problems.length
          ? 'Dry run: this would not be accepted as it is (see the fields marked). Nothing was sent.'
          : 'Dry run: nothing was sent. This is the request a replay would send:'),
        rest.length ? h('ul', { class: 'problems' }, rest.map((p) => h('li', null, p.field ? `${p.field}: ` : '', p.message))) : null,
        dryRunList(items, { linkIds: false }));
    } catch (err) {
      if (isAbort(err)) throw err;
      result.replaceChildren(errorBox(err, 'Dry run failed'));
    } finally {
      setBusy(false);
    }
  });

  replay.addEventListener('click', async () => {
    if (blocked()) return;
    clearErrors();
    setBusy(true);
    result.replaceChildren(notice('info', 'Replaying…'));
    let data;
    try {
      ({ data } = await postJson('/api/v1/dead-letters/replay',
        { ids: [id], dry_run: false, edits: { [id]: changes() } }, { signal: ctx.signal }));
    } catch (err) {
      if (isAbort(err)) return;
      setBusy(false);
      if (err.status === 422 && err.problem && Array.isArray(err.problem.errors)) {
        const rest = showFieldErrors(err.problem.errors.filter((e) => e.id == null || Number(e.id) === Number(id)));
        fill(result, h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'error', 'data-status': '422' },
          'Not valid: nothing was sent. Fix the fields marked and replay again.',
          rest.length ? h('ul', null, rest.map((e) => h('li', null, e.field ? `${e.field}: ` : '', e.message))) : null));
      } else if (err.status === 409) {
        result.replaceChildren(notice('warn', `Not replayed: ${errorText(err)} (already replayed, perhaps from another tab).`));
        await reload(ctx, dl, onReplayed, setBusy);
      } else {
        result.replaceChildren(errorBox(err, 'Replay failed'));
      }
      return;
    }
    const skipped = (data.skipped || []).find((s) => Number(s.id) === Number(id));
    if (skipped || !(data.replayed || []).map(Number).includes(Number(id))) {
      result.replaceChildren(notice('warn', `Not replayed: ${skipped ? skipped.reason : 'skipped by the service'}.`));
      await reload(ctx, dl, onReplayed, setBusy);
      return;
    }
    dl.replayed_by = data.batch_id;
    onReplayed();
    setBusy(false);
    const outcome = h('div', { 'data-testid': 'replay-outcome-slot' }, notice('info', 'Waiting for the outcome…'));
    result.replaceChildren(
      notice('ok', 'Replayed in batch ', h('a', { href: batchHref(data.batch_id), 'data-testid': 'replay-batch-link' }, data.batch_id)),
      outcome);
    await followOutcome(ctx, data.batch_id, outcome);
  });

  const intro = dl.replayed_by
    ? notice('info', 'Already replayed: it cannot be replayed again. If it failed again, its new dead letter is in the list.')
    : dl.replayable === false
      ? notice('warn', 'This dead letter can no longer be replayed: its file is no longer in the dead-letter folder.')
      : h('p', { class: 'muted' }, 'Change a value to send the new one. A field left empty is not sent (the provider keeps what it has).');
  return h('div', null, intro, general, form, result);
}

async function reload(ctx, dl, onReplayed, setBusy) {
  try {
    const fresh = await getJson(`/api/v1/dead-letters/${encodeURIComponent(dl.id)}`, { signal: ctx.signal });
    dl.replayed_by = fresh.replayed_by;
    onReplayed();
  } catch { /* the warning already says what happened */ }
  setBusy(false);
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('left the view', 'AbortError')); }, { once: true });
  });
}

/** Polls the replay's batch until it finishes, then shows this record's new outcome. */
async function followOutcome(ctx, batchId, slot) {
  const enc = encodeURIComponent(batchId);
  const started = Date.now();
  try {
    for (;;) {
      let summary;
      try {
        summary = await getJson(`/api/v1/batches/${enc}/summary`, { signal: ctx.signal });
      } catch (err) {
        // the replay is answered (202) before its batch has started: unknown (404) for a moment
        if (err.status !== 404) throw err;
        summary = { status: 'running' };
      }
      if (summary.status !== 'running') break;
      if (Date.now() - started > POLL_LIMIT_MS) {
        slot.replaceChildren(notice('warn', 'The batch is still running; its page shows the outcome when it ends.'));
        return;
      }
      await sleep(POLL_MS, ctx.signal);
    }
    const page = await getJson(`/api/v1/batches/${enc}/records`, { signal: ctx.signal });
    const records = page.items || [];
    if (!records.length) {
      slot.replaceChildren(notice('warn', 'The batch finished without an outcome for this record; see the batch.'));
      return;
    }
    slot.replaceChildren(...records.map((r) => h('div', {
      class: `notice notice-${r.outcome === 'updated' || r.outcome === 'unchanged' ? 'ok' : 'error'}`,
      role: 'status', 'data-testid': 'replay-outcome', 'data-outcome': r.outcome,
    },
    'New outcome: ', badge(r.outcome),
    r.message ? ` ${r.message}` : '',
    r.provider_message && r.provider_message !== r.message ? ` (provider: ${r.provider_message})` : '',
    r.dead_letter_id != null ? [' New dead letter: ', link(deadLetterHref(r.dead_letter_id), `#${r.dead_letter_id}`)] : '')));
  } catch (err) {
    if (isAbort(err)) return;
    slot.replaceChildren(errorBox(err, 'Could not follow the replay'));
  }
}
