/**
 * The updates and query of the loan application workflow, defined once for the workflow and for
 * every client (API, tests) so names and payload types cannot drift apart. Every update carries
 * the acting identity as the API authenticated it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import {
  type Actor,
  type ApplicationState,
  type ConsentGrant,
  type ReportSubmission,
  type ReviewOutcome,
} from './application.js';

export const grantConsent = defineUpdate<ApplicationState, [{ actor: Actor; consent: ConsentGrant }]>('grantConsent');
export const revokeConsent = defineUpdate<ApplicationState, [{ actor: Actor; reason: string }]>('revokeConsent');
export const submitCreditReport = defineUpdate<ApplicationState, [{ actor: Actor; report: ReportSubmission }]>(
  'submitCreditReport',
);
export const claimReview = defineUpdate<ApplicationState, [{ actor: Actor }]>('claimReview');
export const releaseReview = defineUpdate<ApplicationState, [{ actor: Actor }]>('releaseReview');
export const completeReview = defineUpdate<ApplicationState, [{ actor: Actor; outcome: ReviewOutcome }]>(
  'completeReview',
);
export const getState = defineQuery<ApplicationState>('getState');

export const LOAN_APPLICATION_WORKFLOW = 'loanApplicationWorkflow';

/**
 * Failure types an update validator refuses with, by kind of refusal; clients map them to HTTP
 * (forbidden → 403, conflict → 409, invalid → 422).
 */
export const REFUSAL_FAILURE_TYPES = {
  forbidden: 'UpdateForbidden',
  conflict: 'UpdateConflict',
  invalid: 'UpdateInvalid',
} as const;
