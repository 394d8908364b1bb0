// The reviewer's actions on a task: claim, release, and decide (after a confirmation dialog).
// Each is a POST; the API answers with the task as it now is, or refuses in its own words.

import { api, endSessionIfRefused, errorMessage, taskPath } from './api.js';
import { details, h, uid } from './dom.js';
import { money } from './format.js';

/** The decisions a reviewer can make, as the form, the dialog and the confirmation word them. */
export const OUTCOMES = {
  approve: { label: 'Approve', confirm: 'Confirm approval', done: 'Your approval is recorded.' },
  decline: { label: 'Decline', confirm: 'Confirm decline', done: 'Your decline is recorded.' },
  'request-new-report': {
    label: 'Request a new report',
    confirm: 'Confirm request',
    done: 'Your request for a new report is recorded.',
  },
  'request-new-version': {
    label: 'Request a new version of one document',
    confirm: 'Confirm request',
    done: 'Your request for a new version is recorded.',
  },
};

/** The outcomes a task offers: a document set asks for one document again, a report for a new report. */
export function outcomesFor(task) {
  const skipped = task.documents ? 'request-new-report' : 'request-new-version';
  return Object.entries(OUTCOMES).filter(([value]) => value !== skipped);
}

function statusMessage(text) {
  return h('div', { class: 'message message-ok', role: 'status', tabindex: '-1' }, h('p', {}, text));
}

/**
 * Claim, release or decide; the API's answer is the task as it now is, or its refusal.
 * `context` is the review panel's: { session, task, messages, redraw(task, message) }.
 */
export async function act(context, trigger, action, body) {
  const { task, messages, redraw } = context;
  const path = `${taskPath(task.tenant, task.applicationId)}/${action === 'decide' ? 'decision' : action}`;
  trigger.disabled = true;
  trigger.setAttribute('aria-busy', 'true');
  messages.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Sending…'));
  try {
    const updated = await api(path, { method: 'POST', body });
    const done =
      action === 'claim'
        ? 'You hold this task now: no one else can decide it until you release it or decide.'
        : action === 'release'
          ? 'You released the task: it is back in the queue.'
          : `${OUTCOMES[body.outcome].done} The application is ${updated.stage}.`;
    redraw(updated, statusMessage(done));
  } catch (error) {
    if (endSessionIfRefused(error)) return;
    trigger.disabled = false;
    trigger.removeAttribute('aria-busy');
    const refusal = errorMessage(error);
    messages.replaceChildren(refusal);
    refusal.focus();
  }
}

/** A modal dialog: the decision spelled out, Cancel focused first, Escape cancels. */
export async function confirmDecision(context, body, trigger) {
  const { task } = context;
  const titleId = uid('dialog-title');
  const summaryId = uid('dialog-summary');
  const rows = [
    ['Application', `${task.applicationId} (${task.tenant})`],
    ['Decision', OUTCOMES[body.outcome].label],
    ['Recommended limit', body.recommendedLimit ? money(body.recommendedLimit) : undefined],
    ['Reason codes', body.reasonCodes ? body.reasonCodes.join(', ') : undefined],
    ['Document', body.documentKey],
    ['Why', body.reason],
    ['Notes', body.notes],
  ];
  const cancel = h('button', { type: 'button', class: 'secondary', value: 'cancel' }, 'Cancel');
  const confirm = h('button', { type: 'button', value: 'confirm' }, OUTCOMES[body.outcome].confirm);
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': summaryId },
    h('h2', { id: titleId }, 'Confirm your decision'),
    h(
      'p',
      { id: summaryId },
      'A decision cannot be undone. It is recorded with your identity in the application’s history.',
    ),
    details(rows),
    h('div', { class: 'action-row' }, cancel, confirm),
  );
  document.body.append(dialog);
  const answer = new Promise((resolve) => {
    cancel.addEventListener('click', () => dialog.close('cancel'));
    confirm.addEventListener('click', () => dialog.close('confirm'));
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
  });
  dialog.showModal();
  cancel.focus();
  const result = await answer;
  dialog.remove();
  if (result === 'confirm') await act(context, trigger, 'decide', body);
  else trigger.focus();
}
