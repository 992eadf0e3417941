// participant-sync operations console: entry point (routes, sign-in hand-over, session link).
// Plain ES2020 modules, no build step; everything comes from this server (/console/assets/, /console/lib/uplot/)
// and every figure from the JSON API (/api/v1/…). All data is put into the page as text, never as HTML.
//
// Hooks for browser tests (data-testid, with the data-* attributes that go with them):
//   every view      main#main > .page-head > h1 (focused after each navigation); main[aria-busy] while the view
//                   loads its first data; "notice" (data-kind ok|info|warn|error), "error" (data-status: HTTP
//                   status of the failed API call, 0 = unreachable), "empty" (an empty state's text), "badge"
//                   (data-value: the raw value: updated, breaker_open, running, problems = completed with
//                   rejected/failed records, …), "pager" with buttons "page-newer" / "page-older"
//   page chrome     nav links a[data-nav=overview|batches|dead-letters|sync-jobs] (aria-current="page" on the
//                   current one), "sign-out" link (shown while a key is kept), "time-zone"
//   overview        "outcomes-chart" (the uPlot container), "outcome-totals" (children [data-outcome=received|
//                   updated|unchanged|rejected|failed]), "range" group of buttons [data-value=hour|day|week]
//                   (aria-pressed), "chart-mode" group [data-value=stacked|lines], "last-updated",
//                   "connection-table" > "connection-row" (data-connection, data-state ok|breaker_open|
//                   rate_limited|token_failing; td[data-col=in_flight|waiting|rate_limit|p50|p95|calls|
//                   last_error]), "batch-table" > "batch-row" (the latest 10 batches)
//   batches         "batch-filters" (form; inputs named kind, status, since, until, q), "clear-filters",
//                   "batch-table" > "batch-row" (data-batch-id, data-status: the API's running|completed|failed;
//                   td[data-count=received|updated|unchanged|rejected|failed]; its first link opens the batch)
//   batch detail    "batch-summary", "batch-counts" > [data-count=…] > .count-value, "batch-facts" (dl;
//                   [data-fact=status|source|job|started|finished|duration|batch_id] > dd), "batch-notes",
//                   "download-report", "download-rejected", "failures-only" (checkbox), "record-table" >
//                   "record-row" (data-outcome, data-row, data-seq; td[data-col=message]) > "dead-letter-link"
//   dead letters    "dead-letter-filters" (inputs named provider, connection, category, since, until, q, state),
//                   "dead-letter-table" > "dead-letter-row" (data-id, data-state pending|replayed, data-category)
//                   > "select-dead-letter" (checkbox), "dead-letter-link"; "select-all", "selected-count",
//                   "dry-run-selected", "replay-selected", "replay-result" (notices; "dry-run-list" >
//                   "dry-run-item" (data-id, data-result) > "dry-run-problem" (data-field); "replay-batch-link";
//                   on 422 "field-error" items (data-id, data-field))
//   dead letter     "dead-letter-state" (badge pending|replayed), "dead-letter-reason", "dead-letter-origin",
//                   "original-record" (tr[data-field]), "original-row" (details: the CSV row), "edit-form"
//                   (inputs #edit-<field>, name=<field>, data-field), "field-error" (data-field; next to its
//                   input), "dry-run", "replay", "reset-edits", "replay-result" > "dry-run-item",
//                   "dry-run-masked", "replay-batch-link", "replay-outcome" (data-outcome: the record's outcome
//                   in the replay batch, once that batch finished)
//   sync jobs       "job-list" > "job-row" (data-job, data-running true|false) > "run-now", "run-batch-link",
//                   "notice", "job-facts", "job-runs" > "batch-row"
//   sign-in         "sign-in-form" > "api-key" (password input), "sign-in" (submit); "sign-in-error"
//                   ("That key was refused"), "sign-in-message"

import { onAuthFailure, getKey, clearKey } from './api.js';
import { start, navigate, currentLocation, pageHeading } from './router.js';
import { h, timeZone } from './dom.js';
import { overviewView } from './view-overview.js';
import { batchesView } from './view-batches.js';
import { batchView } from './view-batch.js';
import { deadLettersView } from './view-dead-letters.js';
import { deadLetterView } from './view-dead-letter.js';
import { syncJobsView } from './view-sync-jobs.js';
import { signInView } from './view-sign-in.js';

const ROUTES = [
  { name: 'overview', pattern: /^$/, view: overviewView },
  { name: 'batches', pattern: /^batches$/, view: batchesView },
  { name: 'batches', pattern: /^batches\/([^/]+)$/, view: batchView },
  { name: 'dead-letters', pattern: /^dead-letters$/, view: deadLettersView },
  { name: 'dead-letters', pattern: /^dead-letters\/([^/]+)$/, view: deadLetterView },
  { name: 'sync-jobs', pattern: /^sync-jobs$/, view: syncJobsView },
  { name: 'sign-in', pattern: /^sign-in$/, view: (ctx) => signInView(ctx, { onSignedIn: showSession }) },
  { name: 'not-found', pattern: /^\0$/, view: notFoundView },
];

function notFoundView(ctx) {
  ctx.setTitle('Not found');
  ctx.main.append(pageHeading('No such page'),
    h('p', null, 'The console has no page at this address. ', h('a', { href: '/console/' }, 'Go to the overview'), '.'));
}

/** The "Sign out" link is there while a key is kept for this tab. */
function showSession() {
  const out = document.querySelector('[data-testid="sign-out"]');
  if (out) out.hidden = !getKey();
}

function markNav(routeName) {
  for (const a of document.querySelectorAll('a[data-nav]')) {
    if (a.dataset.nav === routeName) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  showSession();
}

// Any API call answered 401/403 hands over to the sign-in; a kept key that was refused is forgotten.
onAuthFailure((err) => {
  if (location.pathname.replace(/\/+$/, '') === '/console/sign-in') return;
  let reason = 'required';
  if (err.keySent) {
    clearKey();
    reason = 'refused';
  } else if (err.status === 403) {
    reason = 'forbidden';
  }
  navigate(`/console/sign-in?next=${encodeURIComponent(currentLocation())}`,
    { replace: true, state: { reason, detail: err.message } });
});

function wireChrome() {
  document.querySelector('[data-testid="sign-out"]')?.addEventListener('click', (event) => {
    event.preventDefault();
    clearKey();
    navigate('/console/sign-in', { state: { reason: 'signed-out' } });
  });
  // The skip link moves focus without changing the URL (a #fragment would be a history entry).
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main').focus();
  });
  const tz = document.querySelector('[data-testid="time-zone"]');
  if (tz) tz.textContent = `Times in ${timeZone}`;
}

wireChrome();
start(ROUTES, markNav);
