// The lendbridge reviewer console: plain ES modules, no framework, no build step. This is the
// entry the page loads; it hands the router the three pages and starts it.
//
// The page holds no data of its own. The reviewer's token is kept in sessionStorage (this tab
// only, gone when it closes) and sent, as a bearer token, only to this origin's review-task
// endpoints. Everything shown is built with DOM calls and text nodes, never parsed as HTML.
//
// The modules, each importing only those before it in this list:
//   dom.js             small element helpers
//   format.js          dates, money, SLA due times, a review's state in words
//   session.js         the token in sessionStorage, its claims, the top bar
//   router.js          which page the hash shows; signing out
//   api.js             calls to the API, and its refusals (problem+json) in words
//   sign-in.js         the sign-in page
//   inbox.js           the inbox and its filters
//   evidence.js        the task page's evidence sections
//   review-actions.js  claim, release, decide, and the confirmation dialog
//   decision-form.js   the decision form
//   task-page.js       the task page

import { main } from './dom.js';
import { renderInbox } from './inbox.js';
import { startRouter } from './router.js';
import { renderSignIn } from './sign-in.js';
import { renderTask } from './task-page.js';

document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main().focus();
});
startRouter({ signIn: renderSignIn, inbox: renderInbox, task: renderTask });
