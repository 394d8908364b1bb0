// The session: the reviewer's token, and who the API says they are (GET /me: the canonical
// identity every rule compares, which may differ from the token's raw subject in case or width).
// The token's own claims are decoded only for their expiry. Both are kept in sessionStorage:
// this tab only, gone when it closes.

import { append, h } from './dom.js';
import { list } from './format.js';

const TOKEN_KEY = 'lendbridge.console.token';
const IDENTITY_KEY = 'lendbridge.console.identity';

export function decodeClaims(token) {
  const part = token.split('.')[1];
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) throw new Error('this is not a JSON Web Token');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes));
  if (!claims || typeof claims !== 'object') throw new Error('the token carries no claims');
  return {
    sub: typeof claims.sub === 'string' ? claims.sub : '',
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r) => typeof r === 'string') : [],
    jurisdictions: Array.isArray(claims.jurisdictions) ? claims.jurisdictions.filter((j) => typeof j === 'string') : [],
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

export const expired = (claims) => claims.exp !== undefined && claims.exp * 1000 <= Date.now();

/**
 * The stored token and the claims the console works with, or undefined when there is none that is
 * still good. `claims.sub` is the API's canonical identity for the caller, not the raw claim.
 */
export function currentSession() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  try {
    const claims = decodeClaims(token);
    const identity = JSON.parse(sessionStorage.getItem(IDENTITY_KEY) ?? 'null');
    if (!expired(claims) && identity && typeof identity.subject === 'string') {
      return {
        token,
        claims: { ...claims, sub: identity.subject, roles: identity.roles, jurisdictions: identity.jurisdictions },
      };
    }
  } catch {
    // A token that no longer decodes is as good as none.
  }
  forgetToken();
  return undefined;
}

/** Keeps the token with the identity the API answered for it (GET /me). */
export function saveToken(token, identity) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(IDENTITY_KEY, JSON.stringify(identity));
}

let expiryTimer;

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(IDENTITY_KEY);
  clearTimeout(expiryTimer);
}

/** Calls `onExpired` when the session's token expires. */
export function watchExpiry(session, onExpired) {
  clearTimeout(expiryTimer);
  if (session?.claims.exp === undefined) return;
  const ms = session.claims.exp * 1000 - Date.now();
  // setTimeout cannot wait longer than about 24 days; such a token is checked on every call anyway.
  if (ms < 2 ** 31 - 1) expiryTimer = setTimeout(onExpired, ms);
}

/** The top bar: who is signed in, and the Sign out button. */
export function renderSession(session, onSignOut) {
  const slot = document.getElementById('session');
  slot.replaceChildren();
  if (!session) return;
  const { sub, roles, jurisdictions } = session.claims;
  append(slot, [
    h(
      'dl',
      { class: 'who', 'aria-label': 'Signed in' },
      h('div', {}, h('dt', {}, 'Signed in as'), h('dd', { 'data-testid': 'signed-in-subject' }, sub)),
      h('div', {}, h('dt', {}, 'Roles'), h('dd', {}, list(roles))),
      h('div', {}, h('dt', {}, 'Jurisdictions'), h('dd', {}, list(jurisdictions))),
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => onSignOut() }, 'Sign out'),
  ]);
}
