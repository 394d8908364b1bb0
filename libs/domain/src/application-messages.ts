/**
 * The updates and query of the loan application workflow, defined once for the workflow and for
 * every client (API, tests) so names and payload types cannot drift apart.
 *
 * Every update is an {@link ActionRequest}: the acting identity as the API authenticated it, and an
 * assertion the API signed over the whole request (see action-assertion.ts). The workflow accepts
 * an action only with a valid assertion, so nobody can act by writing to Temporal directly.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { type Actor, type ApplicationState, type ConsentGrant, type ReportSubmission } from './application.js';
import { type ReviewOutcome } from './decision.js';
import { type DocumentConsentGrant } from './document-consent.js';
import { type DocumentSubmission } from './document-set.js';

export interface ActionRequest {
  actor: Actor;
  /**
   * Set when the caller sent an Idempotency-Key: the key (hashed by the API, per caller) and the
   * request's fingerprint, so a retry after continue-as-new is recognised and a reused key with
   * another body is refused.
   */
  idempotency?: { key: string; fingerprint: string };
  /** Compact JWS from the API over everything above and the action's own fields. */
  assertion: string;
}

/**
 * The applicant's consent: a ConsentGrant for a one-report application (credit-policy-v1), a
 * DocumentConsentGrant (per document, see document-consent.ts) for a document-set one (v2).
 */
export const grantConsent = defineUpdate<
  ApplicationState,
  [ActionRequest & { consent: ConsentGrant | DocumentConsentGrant }]
>('grantConsent');
/** The applicant revoked consent, or the loan system withdrew the application: it ends WITHDRAWN. */
export const revokeConsent = defineUpdate<ApplicationState, [ActionRequest & { reason: string }]>('revokeConsent');
export const submitCreditReport = defineUpdate<ApplicationState, [ActionRequest & { report: ReportSubmission }]>(
  'submitCreditReport',
);
/**
 * One version of one document of a document-set application (credit-policy-v2). Named apart from
 * document-set.ts's pure `submitDocument`, which its validator applies.
 */
export const submitDocumentUpdate = defineUpdate<ApplicationState, [ActionRequest & { document: DocumentSubmission }]>(
  'submitDocument',
);
export const claimReview = defineUpdate<ApplicationState, [ActionRequest]>('claimReview');
export const releaseReview = defineUpdate<ApplicationState, [ActionRequest]>('releaseReview');
export const completeReview = defineUpdate<ApplicationState, [ActionRequest & { outcome: ReviewOutcome }]>(
  'completeReview',
);
export const getState = defineQuery<ApplicationState>('getState');

export const LOAN_APPLICATION_WORKFLOW = 'loanApplicationWorkflow';

/**
 * Failure types an update validator refuses with, by kind of refusal; clients map them to HTTP
 * (forbidden → 403, conflict → 409, invalid → 422; duplicate: the same idempotent request was
 * applied before, answer with the current state).
 */
export const REFUSAL_FAILURE_TYPES = {
  forbidden: 'UpdateForbidden',
  conflict: 'UpdateConflict',
  invalid: 'UpdateInvalid',
  duplicate: 'UpdateDuplicate',
} as const;
export type RefusalKind = keyof typeof REFUSAL_FAILURE_TYPES;
