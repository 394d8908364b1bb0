/**
 * Who may do what to an application, as pure functions: each returns why an action is refused, or
 * undefined when it is allowed. The workflow's update validators call them, so a refused update is
 * rejected before it is written to history and never fails the workflow. People are compared by
 * their canonical identity only (identity.ts). The workflow's validators and the API's views use them alike.
 */
import { type RefusalKind } from './application-messages.js';
import {
  fourEyesThreshold,
  isTerminal,
  LoanStage,
  REQUIRED_DATA_CATEGORY,
  REQUIRED_PURPOSE,
  type Actor,
  type ApplicationState,
  type ConsentGrant,
  type ReportSubmission,
} from './application.js';
import { type ReviewOutcome } from './decision.js';
import { isComplete, requestNewVersion } from './document-set.js';
import { isBytes32, isSha256Hex } from './hex.js';
import { canonicalIdentity, samePerson } from './identity.js';
import { moneyProblem, toMinorUnits } from './money.js';
import { Role } from './roles.js';
import { Verdict } from './verification.js';

/**
 * Why an action is refused, and of which kind: the API answers 403 for `forbidden` (the actor may
 * never do this), 409 for `conflict` (not now, in this state), 422 for `invalid` (not with this
 * content), and the current state for `duplicate` (this idempotent request was applied before).
 */
export type Refusal = { kind: RefusalKind; message: string } | undefined;

const forbidden = (message: string): Refusal => ({ kind: 'forbidden', message });
const conflict = (message: string): Refusal => ({ kind: 'conflict', message });
const invalid = (message: string): Refusal => ({ kind: 'invalid', message });

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Checks every action shares: the actor is well formed, carries its canonical identity, and serves
 * the application's tenant. The API never sends anything else; this is the second fence.
 */
export function actorRefusal(state: ApplicationState, actor: Actor): Refusal {
  const strings = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (
    typeof actor !== 'object' ||
    actor === null ||
    typeof actor.subject !== 'string' ||
    !strings(actor.roles) ||
    !strings(actor.jurisdictions) ||
    !strings(actor.tenants)
  ) {
    return invalid('actor: malformed');
  }
  if (canonicalIdentity(actor.subject) !== actor.subject) return forbidden('actor: not a canonical identity');
  if (!actor.tenants.includes(state.input.tenant)) return forbidden('you do not serve this tenant');
  return undefined;
}

/** Consent, reports and withdrawals come from the loan system, never from a reviewer. */
export function loanSystemRefusal(actor: Actor): Refusal {
  return actor.roles.includes(Role.LOAN_SYSTEM) ? undefined : forbidden(`this needs the role ${Role.LOAN_SYSTEM}`);
}

/**
 * A consent is recorded only if it covers this application: the purpose and data category
 * lendbridge processes, the application's direction, an issuer the policy trusts, and a validity
 * that has not ended. The one issuer it names is then the only one whose anchor counts.
 */
export function consentRefusal(state: ApplicationState, consent: ConsentGrant, now: Date): Refusal {
  if (state.stage !== LoanStage.AWAITING_CONSENT) {
    return state.consent
      ? conflict('consent was granted already')
      : conflict(`the application is ${state.stage}, not ${LoanStage.AWAITING_CONSENT}`);
  }
  // A document set's per-document consent sent to a one-report application, or junk from a client
  // of the workflow's own: refused with the reason, never a TypeError in the validator.
  if (!isReportConsentShape(consent))
    return invalid(
      'consent: this application verifies one credit report; its consent names purposes, dataCategories, one issuer, validUntil, capturedAt and consentTextHash',
    );
  const { input } = state;
  if (consent.direction !== input.direction) return invalid(`consent.direction: the application is ${input.direction}`);
  if (!consent.purposes.includes(REQUIRED_PURPOSE))
    return invalid(`consent.purposes: must include ${REQUIRED_PURPOSE}`);
  if (!consent.dataCategories.includes(REQUIRED_DATA_CATEGORY)) {
    return invalid(`consent.dataCategories: must include ${REQUIRED_DATA_CATEGORY}`);
  }
  if (!ADDRESS.test(consent.issuer)) return invalid('consent.issuer: a 0x-prefixed 20-byte address');
  const trusted = input.policy.trustedIssuers;
  if (trusted !== 'any-member' && !trusted.some((issuer) => issuer.toLowerCase() === consent.issuer.toLowerCase())) {
    return invalid(`consent.issuer: not an issuer policy ${input.policy.version} trusts`);
  }
  if (!(Date.parse(consent.validUntil) > now.getTime())) return invalid('consent.validUntil: must lie in the future');
  // Captured no later than now (a minute's clock difference forgiven) and before it ends.
  const captured = Date.parse(consent.capturedAt);
  if (!(captured <= now.getTime() + 60_000)) return invalid('consent.capturedAt: must not lie in the future');
  if (!(captured < Date.parse(consent.validUntil))) return invalid('consent.capturedAt: must come before validUntil');
  if (!isSha256Hex(consent.consentTextHash)) return invalid('consent.consentTextHash: 64 lowercase hex characters');
  return undefined;
}

function isReportConsentShape(consent: unknown): consent is ConsentGrant {
  if (typeof consent !== 'object' || consent === null) return false;
  const c = consent as Record<string, unknown>;
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  return (
    strings(c.purposes) &&
    strings(c.dataCategories) &&
    ['issuer', 'validUntil', 'capturedAt', 'consentTextHash', 'direction'].every((k) => typeof c[k] === 'string')
  );
}

/** A report is taken once per round, with a well-formed hash, and only from the issuer consented to. */
export function reportRefusal(state: ApplicationState, report: ReportSubmission): Refusal {
  if (state.stage !== LoanStage.AWAITING_REPORT) {
    return conflict(`the application is ${state.stage}, not ${LoanStage.AWAITING_REPORT}`);
  }
  if (state.report) return conflict('a report was submitted already');
  if (!isSha256Hex(report.reportHash)) return invalid('report.reportHash: 64 lowercase hex characters');
  if (report.batch) {
    if (!isBytes32(report.batch.merkleRoot)) return invalid('report.batch.merkleRoot: 0x and 64 lowercase hex');
    if (!Array.isArray(report.batch.proof) || !report.batch.proof.every((p) => isBytes32(p))) {
      return invalid('report.batch.proof: each element 0x and 64 lowercase hex');
    }
  }
  const consented = state.consent?.grant.issuer;
  if (report.claimedIssuer && consented && report.claimedIssuer.toLowerCase() !== consented.toLowerCase()) {
    return invalid(`report.claimedIssuer: the applicant consented to reports of ${consented} only`);
  }
  return undefined;
}

/**
 * Revocation and withdrawal are possible at any moment until the decision is fixed: in DECIDING
 * too, while the report is verified again (which a ledger outage can make long).
 */
export function withdrawalRefusal(state: ApplicationState, alreadyWithdrawn: boolean): Refusal {
  if (alreadyWithdrawn) return conflict('the application is being withdrawn already');
  if (isTerminal(state.stage) || state.decision !== undefined) {
    return conflict(`the application is ${state.stage}: it can no longer be withdrawn`);
  }
  return undefined;
}

/**
 * Approvals above the policy's threshold for the application's currency need two different
 * approvers; without a threshold (refused at creation) the safe side: two.
 */
export function approvalsRequired(state: Pick<ApplicationState, 'input'>): number {
  const threshold = fourEyesThreshold(state.input);
  if (!threshold) return 2;
  return toMinorUnits(state.input.requestedLimit) > toMinorUnits(threshold) ? 2 : 1;
}

function mayWorkQueue(state: ApplicationState, actor: Actor): Refusal {
  const review = state.review;
  if (state.stage !== LoanStage.IN_REVIEW || !review) {
    return conflict(`the application is ${state.stage}, not in review`);
  }
  const roles: string[] = review.escalated ? [Role.SENIOR_REVIEWER] : [Role.REVIEWER, Role.SENIOR_REVIEWER];
  if (!actor.roles.some((role) => roles.includes(role))) {
    return forbidden(`queue ${review.queue} needs the role ${roles.join(' or ')}`);
  }
  if (!actor.jurisdictions.includes(state.input.reviewJurisdiction)) {
    return forbidden(`queue ${review.queue} is for reviewers of jurisdiction ${state.input.reviewJurisdiction}`);
  }
  if (samePerson(actor.subject, state.input.submittedBy)) {
    return forbidden('you submitted this application: another person must review it');
  }
  return undefined;
}

export function claimRefusal(state: ApplicationState, actor: Actor, roundDone: boolean): Refusal {
  if (roundDone) return conflict('the review is complete');
  const refusal = mayWorkQueue(state, actor);
  if (refusal) return refusal;
  const review = state.review!;
  if (review.claimedBy && !samePerson(review.claimedBy, actor.subject)) {
    return conflict(`the task is claimed by ${review.claimedBy}`);
  }
  if (review.approvals.some((approval) => samePerson(approval.reviewer, actor.subject))) {
    return forbidden('you approved this application already: a second approver is required');
  }
  return undefined;
}

export function releaseRefusal(state: ApplicationState, actor: Actor): Refusal {
  if (state.stage !== LoanStage.IN_REVIEW || !state.review) {
    return conflict(`the application is ${state.stage}, not in review`);
  }
  if (!samePerson(state.review.claimedBy, actor.subject)) {
    return conflict('only the reviewer who claimed the task may release it');
  }
  return undefined;
}

export function completeRefusal(
  state: ApplicationState,
  actor: Actor,
  outcome: ReviewOutcome,
  roundDone: boolean,
): Refusal {
  // Several updates can be accepted in one workflow task before the flow moves on: a completed
  // round must refuse a second decision rather than let it overwrite the first.
  if (roundDone) return conflict('the review is complete');
  const refusal = mayWorkQueue(state, actor);
  if (refusal) return refusal;
  const claimedBy = state.review!.claimedBy;
  if (!claimedBy) return conflict('claim the task before deciding it');
  if (!samePerson(claimedBy, actor.subject))
    return conflict(`the task is claimed by ${claimedBy}: only they may decide it`);
  switch (outcome?.kind) {
    case 'approve': {
      if (state.documents) {
        // A document-set application: every document verified, or nothing to approve.
        if (!isComplete(state.documents)) {
          const missing = state.documents.documents.filter((d) => d.status !== 'VERIFIED').map((d) => d.key);
          return conflict(`not every document is verified (${missing.join(', ')}): decline or request a new version`);
        }
      } else if (state.verification?.verdict !== Verdict.VERIFIED) {
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
      return Array.isArray(outcome.reasonCodes) && outcome.reasonCodes.length > 0
        ? undefined
        : invalid('reasonCodes: a decline needs at least one reason code');
    case 'request-new-report':
      return state.documents
        ? invalid('outcome: a document-set application asks for a new version of one document')
        : undefined;
    case 'request-new-version': {
      if (!state.documents) return invalid('outcome: this application has one report: request a new report');
      const change = requestNewVersion(state.documents, outcome.documentKey, outcome.reason, new Date().toISOString());
      return change.ok ? undefined : invalid(change.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    }
    default:
      // Anything else would fall through to a decision with no approver: refuse it outright.
      return invalid(
        state.documents
          ? 'outcome: must be approve, decline or request-new-version'
          : 'outcome: must be approve, decline or request-new-report',
      );
  }
}
