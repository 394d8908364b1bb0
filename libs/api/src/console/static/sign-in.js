// Sign-in: the reviewer pastes a token; it is read here, checked with the API, and only then kept.

import { request } from './api.js';
import { h, show, uid } from './dom.js';
import { list } from './format.js';
import { route } from './router.js';
import { decodeClaims, expired, saveToken } from './session.js';

const REVIEWER_ROLES = ['reviewer', 'senior-reviewer'];

/** The sign-in page; `message` says why the reviewer is here (signed out, token expired…). */
export function renderSignIn(message) {
  const tokenId = uid('token');
  const hintId = uid('hint');
  const feedback = h('div', { class: 'feedback' });
  const textarea = h('textarea', {
    id: tokenId,
    name: 'token',
    rows: '6',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    'aria-describedby': hintId,
  });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'panel sign-in', novalidate: true },
    h('label', { for: tokenId }, 'Access token'),
    h(
      'p',
      { id: hintId, class: 'hint' },
      'Paste the token your identity provider issued you. In development, ',
      h('code', {}, 'npm run -s token -- --role reviewer --sub alice --jurisdiction HK --tenant bank-a'),
      ' prints one. It is kept in this browser tab only and sent only to this API.',
    ),
    textarea,
    h('p', {}, button),
    feedback,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(textarea.value, button, feedback);
  });
  show(
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Review tasks of your queues: verify the evidence, claim, and decide.'),
    message ? h('p', { class: 'message message-info', role: 'status' }, message) : null,
    form,
  );
}

async function signIn(value, button, feedback) {
  const token = value.trim().replace(/^Bearer\s+/i, '');
  const fail = (text) => {
    feedback.replaceChildren(h('p', { class: 'message message-error', role: 'alert' }, text));
  };
  let claims;
  try {
    claims = decodeClaims(token);
  } catch (error) {
    return fail(`That token cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (expired(claims)) return fail(`That token expired at ${new Date(claims.exp * 1000).toLocaleString()}.`);
  if (!claims.roles.some((role) => REVIEWER_ROLES.includes(role))) {
    return fail(`That token has no reviewer role (roles: ${list(claims.roles)}).`);
  }
  button.disabled = true;
  feedback.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Checking the token with the API…'));
  let identity;
  try {
    // Who the API says the token speaks for: the identity every rule compares, folded from `sub`.
    identity = await request('/me', token);
  } catch (error) {
    button.disabled = false;
    return fail(`The API refused the token: ${error instanceof Error ? error.message : String(error)}`);
  }
  saveToken(token, identity);
  // A link to a task followed before signing in leads there now; anything else to the inbox.
  if (location.hash.startsWith('#/')) route();
  else location.hash = '#/';
}
