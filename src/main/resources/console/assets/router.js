// router.js: history-API routing under /console/. Every view has its own URL; links are real <a href>s that
// the router takes over (a new tab or a reload gets the same view from the server's index.html).

import { h, errorBox, isAbort } from './dom.js';

export const BASE = '/console/';

let routes = [];
let current = null; // { controller, cleanups }
let onRouteChange = () => {};

/** Goes to a console URL. options: replace (no new history entry), state (history state). */
export function navigate(url, options = {}) {
  const state = options.state || {};
  if (options.replace) history.replaceState(state, '', url);
  else history.pushState(state, '', url);
  render({ scroll: !options.replace || options.scroll });
}

/** The URL of the current view (path + query), for "go back there after sign-in". */
export function currentLocation() {
  return location.pathname + location.search;
}

/** Only same-origin console paths, so a crafted ?next= cannot send the browser elsewhere. */
export function safeConsolePath(value) {
  if (typeof value !== 'string' || !value.startsWith(BASE) || value.startsWith('//') || value.includes('\\')) return BASE;
  return value;
}

export function start(routeTable, changeHandler) {
  routes = routeTable;
  onRouteChange = changeHandler || onRouteChange;
  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', () => render({ scroll: false }));
  render({ scroll: false, initial: true });
}

function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !(url.pathname + '/').startsWith(BASE)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // in-page anchor
  event.preventDefault();
  navigate(url.pathname + url.search);
}

function teardown() {
  if (!current) return;
  current.controller.abort();
  for (const fn of current.cleanups.splice(0)) {
    try { fn(); } catch { /* a view's cleanup must not stop the next view */ }
  }
  current = null;
}

function match(path) {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m) {
      try {
        return { route, params: m.slice(1).map(decodeURIComponent) };
      } catch {
        return null;
      }
    }
  }
  return null;
}

async function render({ scroll, initial } = {}) {
  teardown();
  const main = document.getElementById('main');
  let path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  path = path.replace(/\/+$/, '');
  const found = match(path) || { route: routes.find((r) => r.name === 'not-found'), params: [] };
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups };
  const signal = controller.signal;

  const ctx = {
    main,
    params: found.params,
    query: new URLSearchParams(location.search),
    state: history.state || {},
    signal,
    setTitle(title) {
      document.title = `${title} · participant-sync`;
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
    /** Runs fn every ms while this view is shown and the tab is visible; one run at a time. */
    every(ms, fn) {
      let timer = null;
      const tick = async () => {
        timer = null;
        if (signal.aborted) return;
        if (!document.hidden) {
          try { await fn(); } catch (err) { if (!isAbort(err)) console.warn('refresh failed', err); }
        }
        if (!signal.aborted) timer = setTimeout(tick, ms);
      };
      const onVisible = () => {
        if (!document.hidden && timer) { clearTimeout(timer); tick(); }
      };
      timer = setTimeout(tick, ms);
      document.addEventListener('visibilitychange', onVisible);
      cleanups.push(() => { if (timer) clearTimeout(timer); document.removeEventListener('visibilitychange', onVisible); });
    },
  };

  main.replaceChildren();
  main.setAttribute('aria-busy', 'true');
  onRouteChange(found.route.name);
  if (scroll) window.scrollTo(0, 0);
  let done;
  try {
    done = found.route.view(ctx);
  } catch (err) {
    done = Promise.reject(err);
  }
  // Keyboard and screen-reader users land on the new view's heading (not on the first load, and not when
  // the view put the focus somewhere itself, e.g. the sign-in's key field).
  if (!initial && !main.contains(document.activeElement)) main.querySelector('h1')?.focus({ preventScroll: !scroll });
  try {
    await done;
  } catch (err) {
    if (!isAbort(err) && !signal.aborted) main.append(errorBox(err));
  } finally {
    if (!signal.aborted) main.removeAttribute('aria-busy');
  }
}

/** The view's heading, focusable by script so navigation can move focus to it. */
export function pageHeading(text, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, text), ...extra);
}

/** URL of the current path with some query parameters changed (null/'' removes one). */
export function withQuery(changes, base = location.pathname + location.search) {
  const url = new URL(base, location.origin);
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, String(v));
  }
  return url.pathname + url.search;
}

/**
 * Keyset paging: the opaque cursor of the page shown is in the URL (?<param>=…), the cursors of the pages
 * before it in history.state, so "Newer" walks back the same pages, also after a reload.
 */
export function pager(ctx, { param, next, olderLabel = 'Older', newerLabel = 'Newer', label = 'Pages' }) {
  const cursor = ctx.query.get(param) || '';
  const stack = Array.isArray(ctx.state.cursors) ? ctx.state.cursors : [];
  const atStart = cursor === '';
  const newer = h('button', {
    type: 'button', 'data-testid': 'page-newer', disabled: atStart,
    onclick: () => {
      const prev = stack.length ? stack[stack.length - 1] : '';
      navigate(withQuery({ [param]: prev }), { state: { cursors: stack.slice(0, -1) } });
    },
  }, atStart || stack.length ? `← ${newerLabel}` : `⇤ First page`);
  const older = h('button', {
    type: 'button', 'data-testid': 'page-older', disabled: !next,
    onclick: () => navigate(withQuery({ [param]: next }), { state: { cursors: [...stack, cursor] } }),
  }, `${olderLabel} →`);
  const where = h('span', { class: 'muted' }, atStart ? 'Page 1' : stack.length ? `Page ${stack.length + 1}` : 'Later page');
  return h('nav', { class: 'pager', 'aria-label': label, 'data-testid': 'pager' }, newer, where, older);
}
