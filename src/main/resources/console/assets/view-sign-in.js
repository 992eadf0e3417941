// view-sign-in.js: /console/sign-in?next=/console/…: takes an API key, checks it with GET /api/v1/session,
// keeps it in sessionStorage (this tab's session only) and goes back to the view that asked.

import { h, notice, errorText } from './dom.js';
import { getJson, setKey, AuthError } from './api.js';
import { pageHeading, navigate, safeConsolePath } from './router.js';

export async function signInView(ctx, { onSignedIn } = {}) {
  ctx.setTitle('Sign in');
  const next = safeConsolePath(ctx.query.get('next') || '/console/');
  const reason = ctx.state.reason;
  const message = h('div', { class: 'status-slot', 'data-testid': 'sign-in-message' });
  if (reason === 'refused') message.append(refused());
  else if (reason === 'forbidden') message.append(notice('error', `Access refused: ${ctx.state.detail || 'this client may not use the API'}. With API keys configured, sign in with a key.`));
  else if (reason === 'signed-out') message.append(notice('ok', 'Signed out: the key was removed from this browser tab.'));
  else if (reason === 'required') message.append(notice('info', 'This service asks for an API key. Sign in to see the console.'));

  const input = h('input', {
    // no name: even a form submitted without this script could not put the key into a URL
    id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'api-key-hint', 'data-testid': 'api-key',
  });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'sign-in', 'data-testid': 'sign-in-form', 'aria-labelledby': 'sign-in-title' },
    h('div', { class: 'field' },
      h('label', { for: 'api-key' }, 'API key'), input,
      h('span', { class: 'hint', id: 'api-key-hint' },
        'One of the keys in HTTP_API_KEYS. It is kept for this browser tab only (sessionStorage) and sent as a header, never in a URL.')),
    h('div', { class: 'toolbar' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      message.replaceChildren(notice('error', 'Enter the API key.'));
      input.focus();
      return;
    }
    submit.disabled = true;
    message.replaceChildren(notice('info', 'Checking the key…'));
    try {
      await getJson('/api/v1/session', { key, auth: false, signal: ctx.signal });
      setKey(key);
      onSignedIn?.();
      navigate(next, { replace: true });
    } catch (err) {
      if (err.name === 'AbortError') return;
      message.replaceChildren(err instanceof AuthError ? refused() : notice('error', errorText(err)));
      input.select();
      input.focus();
    } finally {
      submit.disabled = false;
    }
  });

  const heading = pageHeading('Sign in');
  heading.querySelector('h1').id = 'sign-in-title';
  ctx.main.append(h('div', { class: 'narrow' }, heading, message, form));
  input.focus();

  // Without API keys the service lets loopback clients in: say so instead of asking for a key.
  try {
    const session = await getJson('/api/v1/session', { key: null, auth: false, signal: ctx.signal });
    if (session && session.auth === 'loopback' && reason !== 'refused') {
      message.replaceChildren(notice('info', 'No key needed: this service has no API keys and lets this computer in. ',
        h('a', { href: next }, 'Continue')));
    }
  } catch { /* keys are required (401) or the service is down: the form says what to do */ }
}

function refused() {
  return h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'sign-in-error' }, 'That key was refused');
}
