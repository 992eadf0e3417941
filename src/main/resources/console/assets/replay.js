// replay.js: showing what a dry run of a replay would do (shared by the dead-letter list and the dead letter).

import { h, badge, link, deadLetterHref } from './dom.js';

function bodyText(body) {
  if (body == null) return '';
  if (typeof body === 'string') {
    try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
  }
  return JSON.stringify(body, null, 2);
}

/** items: [{id, result, request: {method, url, body} | null, problems: [{field, message}]}] */
export function dryRunList(items, { linkIds = true } = {}) {
  if (!items.length) return h('p', { class: 'muted' }, 'Nothing would be sent.');
  return h('ul', { class: 'dry-run', 'data-testid': 'dry-run-list' }, items.map((item) => {
    const req = item.request;
    const problems = item.problems || [];
    return h('li', { 'data-testid': 'dry-run-item', 'data-id': item.id, 'data-result': item.result },
      h('div', { class: 'dry-run-head' },
        linkIds ? link(deadLetterHref(item.id), `#${item.id}`) : h('strong', null, `#${item.id}`), ' ', badge(item.result)),
      req ? h('div', { class: 'request' },
        h('code', { class: 'request-line' }, `${req.method || ''} ${req.url || ''}`),
        req.body != null && req.body !== '' ? h('pre', { class: 'request-body' }, bodyText(req.body)) : null) : null,
      item.reason ? h('p', { class: 'muted' }, item.reason) : null,
      item.masked && item.masked.length
        ? h('p', { class: 'muted', 'data-testid': 'dry-run-masked' }, `Masked in the dead letter, not sent: ${item.masked.join(', ')}`) : null,
      problems.length ? h('ul', { class: 'problems' }, problems.map((p) =>
        h('li', { 'data-testid': 'dry-run-problem', 'data-field': p.field }, p.field ? h('strong', null, `${p.field}: `) : null, p.message))) : null);
  }));
}
