/**
 * Who may do what to an application's review, as pure functions: each returns why an action is
 * refused, or undefined when it is allowed. The workflow's update validators call them, so a
 * refused update is rejected before it is written to history and never fails the workflow.
 */
import {
  LoanStage,
  moneyProblem,
  toMinorUnits,
  Verdict,
  type Actor,
  type ApplicationState,
  type ConsentGrant,
  type ReportSubmission,
  type ReviewOutcome,
} from '../../libs/domain/src/index.js';

export const Role = { REVIEWER: 'reviewer', SENIOR_REVIEWER: 'senior-reviewer' } as const;

/**
 * Why an action is refused, and of which kind: the API answers 403 for `forbidden` (the actor may
 * never do this), 409 for `conflict` (not now, in this state) and 422 for `invalid` (not with this
 * content). The kind travels to the client as the failure's type (see REFUSAL_FAILURE_TYPES).
 */
export type Refusal = { kind: RefusalKind; message: string } | undefined;
export type RefusalKind = 'forbidden' | 'conflict' | 'invalid';

const forbidden = (message: string): Refusal => ({ kind: 'forbidden', message });
const conflict = (message: string): Refusal => ({ kind: 'conflict', message });
const invalid = (message: string): Refusal => ({ kind: 'invalid', message });

export const LOAN_SYSTEM_ROLE = 'loan-system';

/** Consent, reports and revocations come from the loan system, never from a reviewer. */
export function loanSystemRefusal(actor: Actor): Refusal {
  return actor.roles.includes(LOAN_SYSTEM_ROLE) ? undefined : forbidden(`this needs the role ${LOAN_SYSTEM_ROLE}`);
}

/** A consent that does not cover this application is refused, not recorded. */
export function consentRefusal(state: ApplicationState, consent: ConsentGrant, now: Date): Refusal {
  if (state.consent) return conflict('consent was granted already');
  if (consent.direction !== state.input.direction)
    return invalid(`consent.direction: the application is ${state.input.direction}`);
  if (!consent.purposes.includes('credit-assessment'))
    return invalid('consent.purposes: must include credit-assessment');
  if (!consent.dataCategories.includes('credit-report'))
    return invalid('consent.dataCategories: must include credit-report');
  if (!(Date.parse(consent.validUntil) > now.getTime())) return invalid('consent.validUntil: must lie in the future');
  if (!/^[0-9a-f]{64}$/.test(consent.consentTextHash))
    return invalid('consent.consentTextHash: 64 lowercase hex characters');
  return undefined;
}

/** A report is taken once per round, with a well-formed hash, from a loan system that has consent. */
export function reportRefusal(state: ApplicationState, report: ReportSubmission): Refusal {
  if (state.report) return conflict('a report was submitted already');
  if (!/^[0-9a-f]{64}$/.test(report.reportHash)) return invalid('report.reportHash: 64 lowercase hex characters');
  if (
    report.claimedIssuer &&
    state.consent &&
    report.claimedIssuer.toLowerCase() !== state.consent.grant.issuer.toLowerCase()
  ) {
    return invalid('report.claimedIssuer: the consent covers another issuer');
  }
  return undefined;
}

/** Approvals above the policy's threshold need two different approvers. */
export function approvalsRequired(state: ApplicationState): number {
  const requested = state.input.requestedLimit;
  const threshold = { amount: state.input.policy.fourEyesThreshold, currency: requested.currency };
  return toMinorUnits(requested) > toMinorUnits(threshold) ? 2 : 1;
}

function mayWorkQueue(state: ApplicationState, actor: Actor): Refusal {
  const review = state.review;
  if (state.stage !== LoanStage.IN_REVIEW || !review)
    return conflict(`the application is ${state.stage}, not in review`);
  const roles = review.escalated ? [Role.SENIOR_REVIEWER] : [Role.REVIEWER, Role.SENIOR_REVIEWER];
  if (!actor.roles.some((role) => (roles as string[]).includes(role))) {
    return forbidden(`queue ${review.queue} needs the role ${roles.join(' or ')}`);
  }
  if (!actor.jurisdictions.includes(state.input.reviewJurisdiction)) {
    return forbidden(`queue ${review.queue} is for reviewers of jurisdiction ${state.input.reviewJurisdiction}`);
  }
  if (actor.subject === state.input.submittedBy)
    return forbidden('you submitted this application: another person must review it');
  return undefined;
}

export function claimRefusal(state: ApplicationState, actor: Actor, reviewDone: boolean): Refusal {
  if (reviewDone) return conflict('the review is complete');
  const refusal = mayWorkQueue(state, actor);
  if (refusal) return refusal;
  const review = state.review!;
  if (review.claimedBy && review.claimedBy !== actor.subject)
    return conflict(`the task is claimed by ${review.claimedBy}`);
  if (review.approvals.some((a) => a.reviewer === actor.subject)) {
    return forbidden('you approved this application already: a second approver is required');
  }
  return undefined;
}

export function releaseRefusal(state: ApplicationState, actor: Actor): Refusal {
  if (state.stage !== LoanStage.IN_REVIEW || !state.review)
    return conflict(`the application is ${state.stage}, not in review`);
  if (state.review.claimedBy !== actor.subject)
    return conflict('only the reviewer who claimed the task may release it');
  return undefined;
}

export function completeRefusal(
  state: ApplicationState,
  actor: Actor,
  outcome: ReviewOutcome,
  reviewDone: boolean,
): Refusal {
  // Several updates can be accepted in one workflow task before the flow moves on: a completed
  // round must refuse a second decision rather than let it overwrite the first.
  if (reviewDone) return conflict('the review is complete');
  const refusal = mayWorkQueue(state, actor);
  if (refusal) return refusal;
  const claimedBy = state.review!.claimedBy;
  if (claimedBy && claimedBy !== actor.subject)
    return conflict(`the task is claimed by ${claimedBy}: only they may decide it`);
  if (!claimedBy) return conflict('claim the task before deciding it');
  switch (outcome.kind) {
    case 'approve': {
      if (state.verification?.verdict !== Verdict.VERIFIED) {
        return conflict(
          `the report is not verified (${state.verification?.verdict ?? 'no verdict'}): decline or request a new report`,
        );
      }
      const problem = moneyProblem(outcome.recommendedLimit);
      if (problem) return invalid(`recommendedLimit: ${problem}`);
      if (outcome.recommendedLimit.currency !== state.input.requestedLimit.currency) {
        return invalid(`recommendedLimit: must be in ${state.input.requestedLimit.currency}`);
      }
      return undefined;
    }
    case 'decline':
      return outcome.reasonCodes.length === 0
        ? invalid('reasonCodes: a decline needs at least one reason code')
        : undefined;
    case 'request-new-report':
      return undefined;
    default:
      // Anything else would fall through to a decision with no approver: refuse it outright.
      return invalid('outcome: must be approve, decline or request-new-report');
  }
}
