// The task page: the review panel (state, actions, the decision form) beside the evidence.

import { api, endSessionIfRefused, errorMessage, taskPath } from './api.js';
import { decisionForm } from './decision-form.js';
import { documentConsentSection, documentsSection } from './documents.js';
import { append, details, h, main, show } from './dom.js';
import { consentSection, decisionSection, fieldsSection, timelineSection, verificationSection } from './evidence.js';
import { approvalsText, claimedByText, dueAt, money, outcomeText, time } from './format.js';
import { act } from './review-actions.js';
import { stale } from './router.js';

export async function renderTask(ticket, session, tenant, applicationId) {
  show(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← Inbox')),
    h('h1', {}, `Application ${applicationId}`),
    h('p', { class: 'muted', role: 'status' }, 'Loading the task…'),
  );
  let task;
  try {
    task = await api(taskPath(tenant, applicationId));
  } catch (error) {
    if (stale(ticket) || endSessionIfRefused(error)) return;
    const container = main();
    container.querySelector('[role="status"]')?.remove();
    append(container, [errorMessage(error, 'The task could not be loaded')]);
    return;
  }
  if (stale(ticket)) return;
  showTask(session, task);
}

/** Draws the task; `message` (after an action) is shown in the review panel and focused. */
function showTask(session, task, message) {
  const panel = reviewPanel(session, task, message);
  show(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← Inbox')),
    h('h1', {}, `Application ${task.applicationId}`),
    h(
      'p',
      { class: 'lede' },
      [
        task.tenant,
        task.applicantType,
        task.product,
        `${money(task.requestedLimit)} requested`,
        task.direction,
        task.reviewJurisdiction,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    h(
      'div',
      { class: 'task-layout' },
      panel,
      h(
        'div',
        { class: 'evidence' },
        // A document set's evidence is per document; a report's is one verification.
        task.documents ? documentsSection(task) : [verificationSection(task), fieldsSection(task)],
        task.documents ? documentConsentSection(task) : consentSection(task),
        decisionSection(task),
        timelineSection(task),
      ),
    ),
  );
  if (message) panel.querySelector('.message')?.focus();
}

function reviewPanel(session, task, message) {
  const review = task.review;
  const me = session.claims.sub;
  const inReview = task.stage === 'IN_REVIEW' && review;
  const mine = inReview && review.claimedBy === me;
  const messages = h('div', { class: 'messages' }, message ?? null);
  // What an action needs: where to say it is under way or refused, and how to redraw the task
  // the API answers with.
  const context = { session, task, messages, redraw: (updated, done) => showTask(session, updated, done) };

  const actions = h('div', { class: 'action-row' });
  if (inReview && !mine) {
    actions.append(h('button', { type: 'button', onclick: (e) => act(context, e.currentTarget, 'claim') }, 'Claim'));
  }
  if (mine) {
    actions.append(
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: (e) => act(context, e.currentTarget, 'release') },
        'Release',
      ),
    );
  }

  return h(
    'section',
    { class: 'panel review-panel', 'aria-labelledby': 'review-heading' },
    h('h2', { id: 'review-heading' }, 'Review'),
    details([
      ['Stage', task.stage],
      ['Queue', review ? `${review.queue}${review.escalated ? ' (escalated)' : ''}` : '—'],
      ['SLA due', review ? dueAt(review.dueAt, review.overdue) : '—'],
      ['Claimed by', review ? claimedByText(review.claimedBy, session) : '—'],
      ['Four-eyes progress', approvalsText(task)],
      ['Submitted by', task.submittedBy],
    ]),
    messages,
    inReview
      ? actions
      : h('p', { class: 'muted' }, `This application is ${task.stage}: there is nothing left to review.`),
    inReview && !mine && review.claimedBy
      ? h('p', { class: 'hint' }, `${review.claimedBy} holds this task: only they can decide it until they release it.`)
      : null,
    mine ? decisionForm(context) : null,
    decisionsSoFar(review),
    task.links?.temporalUi && /^https?:\/\//.test(task.links.temporalUi)
      ? h(
          'p',
          {},
          h(
            'a',
            { href: task.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' },
            'Open the workflow in the Temporal UI',
            h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
          ),
        )
      : null,
  );
}

function decisionsSoFar(review) {
  const decisions = review?.decisions ?? [];
  if (decisions.length === 0) return null;
  return h(
    'div',
    { class: 'decisions' },
    h('h3', {}, 'Decisions this round'),
    h(
      'ul',
      {},
      decisions.map((d) =>
        h(
          'li',
          {},
          h('strong', {}, d.reviewer),
          ': ',
          outcomeText(d.outcome),
          ' · ',
          time(d.at),
          d.outcome?.notes ? h('p', { class: 'notes' }, d.outcome.notes) : null,
        ),
      ),
    ),
  );
}
