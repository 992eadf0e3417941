// view-sync-jobs.js: /console/sync-jobs: each configured job, its schedule and last runs, and "Run now".

import {
  h, timeEl, fmtClock, badge, facts, notice, errorBox, errorText, emptyState, dataTable, syncRows, batchHref, isAbort,
} from './dom.js';
import { getJson, postJson } from './api.js';
import { pageHeading } from './router.js';
import { batchRow, BATCH_COLUMNS } from './view-batches.js';

const REFRESH_MS = 5000;
export const NO_JOBS = "No sync jobs configured: see README 'Scheduled sync jobs'";

export async function syncJobsView(ctx) {
  ctx.setTitle('Sync jobs');
  const slot = h('div', { class: 'status-slot' });
  const list = h('div', { class: 'jobs', 'data-testid': 'job-list' });
  ctx.main.append(pageHeading('Sync jobs'), slot, list);
  const cards = new Map(); // job name -> {el, update}

  const load = async () => {
    const data = await getJson('/api/v1/sync-jobs', { signal: ctx.signal });
    const jobs = data.items || [];
    const names = new Set(jobs.map((j) => j.name));
    for (const [name, card] of cards) if (!names.has(name)) { card.el.remove(); cards.delete(name); }
    jobs.forEach((job, i) => {
      let card = cards.get(job.name);
      if (!card) {
        card = jobCard(ctx, job.name, () => load().catch(() => {}));
        cards.set(job.name, card);
      }
      if (list.children[i] !== card.el) list.insertBefore(card.el, list.children[i] || null);
      card.update(job);
    });
    if (!jobs.length) list.replaceChildren(emptyState(NO_JOBS));
    else list.querySelector(':scope > [data-testid="empty"]')?.remove();
  };

  try {
    await load();
  } catch (err) {
    if (isAbort(err)) throw err;
    slot.append(errorBox(err, 'The sync jobs could not be loaded'));
  }
  ctx.every(REFRESH_MS, async () => {
    try {
      await load();
      slot.replaceChildren();
    } catch (err) {
      if (isAbort(err)) throw err;
      slot.replaceChildren(notice('warn', `Could not refresh: ${errorText(err)}`));
    }
  });
}

function jobCard(ctx, name, refresh) {
  const headingId = `job-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const state = h('span');
  const factsSlot = h('div');
  const jobNotice = h('div', { class: 'status-slot', 'aria-live': 'polite' });
  const { wrap, tbody } = dataTable({ label: `Last runs of ${name}`, columns: BATCH_COLUMNS, testid: 'job-runs' });
  const noRuns = h('p', { class: 'muted' }, 'No runs yet.');
  const runNow = h('button', { type: 'button', class: 'primary', 'data-testid': 'run-now', 'aria-describedby': headingId }, 'Run now');

  runNow.addEventListener('click', async () => {
    runNow.disabled = true;
    jobNotice.replaceChildren(notice('info', 'Starting…'));
    try {
      const { data } = await postJson(`/api/v1/sync-jobs/${encodeURIComponent(name)}/runs`, undefined, { signal: ctx.signal });
      jobNotice.replaceChildren(notice('ok', `${fmtClock(new Date())}: started, batch `,
        h('a', { href: batchHref(data.batch_id), 'data-testid': 'run-batch-link' }, data.batch_id)));
    } catch (err) {
      if (isAbort(err)) return;
      jobNotice.replaceChildren(err.status === 409
        ? notice('warn', `${fmtClock(new Date())}: ${name} is already running: wait for this run to finish.`)
        : errorBox(err, 'Could not start the job'));
    } finally {
      runNow.disabled = false;
    }
    refresh();
  });

  const el = h('section', { class: 'panel job', 'data-testid': 'job-row', 'data-job': name, 'aria-labelledby': headingId },
    h('div', { class: 'job-head' }, h('h2', { id: headingId }, name), state, runNow),
    jobNotice, factsSlot, h('h3', null, 'Last runs'), noRuns, wrap,
    h('p', { class: 'more' }, h('a', { href: `/console/batches?kind=sync-job&q=${encodeURIComponent(name)}` }, `All runs of ${name} →`)));

  const update = (job) => {
    el.dataset.running = String(Boolean(job.running));
    state.replaceChildren(job.running ? badge('running') : badge('idle'));
    factsSlot.replaceChildren(facts([
      ['Schedule', job.schedule ? h('code', null, job.schedule) : 'by hand only (no cron)', 'schedule'],
      ['Next run', job.next_run ? timeEl(job.next_run) : '—', 'next_run'],
      ['Source', job.source, 'source'],
      job.provider ? ['Provider', job.provider, 'provider'] : null,
      ['Connection', job.connection || (job.provider ? null : 'each row\'s own'), 'connection'],
    ], 'job-facts'));
    const runs = job.last_runs || [];
    syncRows(tbody, runs, (b) => b.batch_id, batchRow);
    wrap.hidden = runs.length === 0;
    noRuns.hidden = runs.length > 0;
  };
  return { el, update };
}
