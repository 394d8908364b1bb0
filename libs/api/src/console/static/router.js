// Routing: #/ is the inbox (with its filters as a query), #/tasks/{tenant}/{id} a task; without a
// session, any route shows the sign-in page. Signing out lives here because it always ends in a
// new route.

import { currentSession, forgetToken, renderSession, watchExpiry } from './session.js';

/** The page renderers, given by the entry module: { signIn, inbox, task }. */
let pages;
let renderTicket = 0;
let signInMessage = '';

export function startRouter(renderers) {
  pages = renderers;
  window.addEventListener('hashchange', () => route());
  route();
}

/** Draws the page for the current hash. */
export function route() {
  const ticket = ++renderTicket;
  const session = currentSession();
  renderSession(session, () => signOut());
  watchExpiry(session, () => signOut('Your token has expired: sign in again.'));
  if (!session) {
    const message = signInMessage;
    signInMessage = '';
    return pages.signIn(message);
  }
  const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query = ''] = hash.split('?');
  const task = /^\/tasks\/([^/]+)\/([^/]+)$/.exec(path);
  if (task) return pages.task(ticket, session, decodeURIComponent(task[1]), decodeURIComponent(task[2]));
  return pages.inbox(ticket, session, new URLSearchParams(query));
}

/** Whether a page drawn for `ticket` was overtaken by a later route while it waited on the API. */
export const stale = (ticket) => ticket !== renderTicket;

/** Forgets the token and shows the sign-in page, with `message` on it. */
export function signOut(message = 'You are signed out.') {
  forgetToken();
  signInMessage = message;
  if (location.hash && location.hash !== '#/') history.replaceState(null, '', `${location.pathname}#/`);
  route();
}

export function taskHash(tenant, applicationId) {
  return `#/tasks/${encodeURIComponent(tenant)}/${encodeURIComponent(applicationId)}`;
}
