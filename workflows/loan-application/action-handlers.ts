/**
 * The human actions on an application, as Temporal updates. Each validator first authenticates the
 * action (an assertion only the API can sign, bound to this application, this update and its
 * content), then applies the pure rules of review-rules.ts; a refusal rejects the update before it
 * reaches history, so the application keeps working whatever is sent to it. Handlers only apply.
 */
import { type UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import {
  ACTION_CLOCK_SKEW_SECONDS,
  actionAssertionExpiry,
  actionAssertionProblem,
  actionDigest,
  claimReview,
  completeReview,
  documentConsentRefusal,
  documentSetContext,
  documentSubmissionRefusal,
  getState,
  grantConsent,
  REFUSAL_FAILURE_TYPES,
  releaseReview,
  requestNewVersion,
  revokeConsent,
  submitCreditReport,
  submitDocument,
  submitDocumentUpdate,
  undeliveredEvents,
  type ActionRequest,
  type ApplicationState,
  type ConsentGrant,
  actorRefusal,
  approvalsRequired,
  claimRefusal,
  completeRefusal,
  consentRefusal,
  loanSystemRefusal,
  releaseRefusal,
  reportRefusal,
  withdrawalRefusal,
  type Refusal,
} from '#domain';
import { actionVerifyKeys } from './action-keys.js';
import { type ApplicationRecord } from './application-record.js';
import { verifyDocumentInBackground } from './document-collection.js';

/** The refusal's kind is the failure type, so the API answers 403, 409 or 422 without parsing messages. */
function refuse(refusal: Refusal): void {
  if (refusal) throw ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPES[refusal.kind], message: refusal.message });
}

/**
 * Registers one action: `rules` says why it is refused (after authentication), `apply` changes the
 * state and says what the timeline records.
 */
function action<A extends ActionRequest>(
  record: ApplicationRecord,
  definition: UpdateDefinition<ApplicationState, [A]>,
  rules: (arg: A) => Refusal,
  apply: (arg: A) => string,
): void {
  setHandler(
    definition,
    (arg: A) => {
      const event = apply(arg);
      record.record(event, arg.actor.subject);
      record.remember(
        currentUpdateInfo()!.id,
        // One second past the last one the validator would still accept it in.
        actionAssertionExpiry(arg.assertion) + ACTION_CLOCK_SKEW_SECONDS + 1,
        arg.idempotency,
      );
      return record.state;
    },
    {
      validator: (arg: A) => {
        refuse(authenticity(record, definition.name, arg));
        refuse(repetition(record, arg));
        refuse(actorRefusal(record.state, arg.actor));
        refuse(rules(arg));
      },
    },
  );
}

function authenticity(record: ApplicationRecord, update: string, arg: ActionRequest): Refusal {
  if (typeof arg !== 'object' || arg === null) return { kind: 'invalid', message: 'the action is malformed' };
  const { assertion, ...content } = arg;
  let digest: string;
  try {
    digest = actionDigest(content);
  } catch {
    return { kind: 'invalid', message: 'the action is not plain JSON' };
  }
  const binding = { workflowId: record.workflowId, update, updateId: currentUpdateInfo()!.id, digest };
  const problem = actionAssertionProblem(assertion, actionVerifyKeys(), binding, Math.floor(Date.now() / 1000));
  return problem ? { kind: 'forbidden', message: problem } : undefined;
}

/** A retried request: answered with the state as it is (duplicate), or refused if the key was reused. */
function repetition(record: ApplicationRecord, arg: ActionRequest): Refusal {
  if (record.seenUpdate(currentUpdateInfo()!.id))
    return { kind: 'duplicate', message: 'this request was applied already' };
  if (!arg.idempotency) return undefined;
  const first = record.idempotentRequest(arg.idempotency.key);
  if (first === undefined) return undefined;
  return first === arg.idempotency.fingerprint
    ? { kind: 'duplicate', message: 'this request was applied already' }
    : { kind: 'invalid', message: 'Idempotency-Key: used before with another request' };
}

/** Sets the query and every update handler; called before the workflow's first await. */
export function registerActionHandlers(record: ApplicationRecord, withdraw: () => void): void {
  const { state, book } = record;
  const roundDone = (): boolean => book.roundOutcome !== undefined;
  setHandler(getState, () => state);
  setHandler(undeliveredEvents, () => ({ events: book.outbox, created: book.eventsCreated }));

  action(
    record,
    grantConsent,
    ({ actor, consent }) =>
      loanSystemRefusal(actor) ??
      // A document set's consent is per document (document-consent.ts); a report's names its issuer.
      (state.documents
        ? documentConsentRefusal(state, consent, new Date()).refusal
        : consentRefusal(state, consent as ConsentGrant, new Date())),
    ({ consent }) => {
      if (state.documents) state.documentConsent = { grant: documentConsentRefusal(state, consent, new Date()).grant! };
      else state.consent = { grant: consent as ConsentGrant };
      return 'consent granted';
    },
  );
  action(
    record,
    revokeConsent,
    ({ actor }) => loanSystemRefusal(actor) ?? withdrawalRefusal(state, book.withdrawal !== undefined),
    ({ actor, reason }) => {
      book.withdrawal = { actor: actor.subject, reason };
      withdraw();
      return `withdrawn: ${reason}`;
    },
  );
  action(
    record,
    submitCreditReport,
    ({ actor, report }) => loanSystemRefusal(actor) ?? reportRefusal(state, report),
    ({ report }) => {
      state.report = report;
      state.verification = undefined;
      return `credit report submitted (${report.scheme})`;
    },
  );
  action(
    record,
    submitDocumentUpdate,
    ({ actor, document }) => loanSystemRefusal(actor) ?? documentSubmissionRefusal(state, document, new Date()),
    ({ document }) => {
      // The validator accepted it just now, against this very state.
      const change = submitDocument(state.documents!, document, documentSetContext(state, new Date().toISOString()));
      if (!change.ok) return 'document not taken';
      const before = state.documents!.documents.find((d) => d.key === document.documentKey)!.versions;
      state.documents = change.set;
      const entry = change.set.documents.find((d) => d.key === document.documentKey)!;
      if (entry.versions === before)
        return `document ${entry.key} submitted again: version ${entry.versions} unchanged`;
      // Verified at once, in parallel with the other documents; the flow waits for the set.
      verifyDocumentInBackground(record, entry.key);
      return `document ${entry.key} version ${entry.versions} submitted`;
    },
  );
  action(
    record,
    claimReview,
    ({ actor }) => claimRefusal(state, actor, roundDone()),
    ({ actor }) => {
      record.setReviewer(actor.subject);
      return 'review claimed';
    },
  );
  action(
    record,
    releaseReview,
    ({ actor }) => releaseRefusal(state, actor),
    () => {
      record.setReviewer(undefined);
      return 'review released';
    },
  );
  action(
    record,
    completeReview,
    ({ actor, outcome }) => completeRefusal(state, actor, outcome, roundDone()),
    ({ actor, outcome }) => {
      const review = state.review!;
      const decision = { reviewer: actor.subject, outcome, at: new Date().toISOString() };
      review.decisions.push(decision);
      record.setReviewer(undefined);
      if (outcome.kind === 'approve') review.approvals.push(decision);
      if (outcome.kind === 'request-new-version') {
        // That document alone goes back to awaiting (the validator accepted the request).
        const change = requestNewVersion(state.documents!, outcome.documentKey, outcome.reason, decision.at);
        if (change.ok) state.documents = change.set;
      }
      if (outcome.kind !== 'approve' || review.approvals.length >= approvalsRequired(state)) {
        book.roundOutcome = outcome;
      }
      return `review: ${outcome.kind}`;
    },
  );
}
