/**
 * The loan application as the workflow and the API share it: stages, input, policy knobs, consent,
 * report submission and review decisions. Pure data; deterministic helpers only.
 */
import { type Duration } from '@temporalio/common';
import { CREDIT_POLICIES } from './credit-policy.js';
import { moneyProblem, type Money } from './money.js';
import { type VerificationReceipt } from './verification.js';

export const LoanStage = {
  RECEIVED: 'RECEIVED',
  AWAITING_CONSENT: 'AWAITING_CONSENT',
  AWAITING_REPORT: 'AWAITING_REPORT',
  VERIFYING: 'VERIFYING',
  IN_REVIEW: 'IN_REVIEW',
  DECIDING: 'DECIDING',
  APPROVED: 'APPROVED',
  DECLINED: 'DECLINED',
  WITHDRAWN: 'WITHDRAWN',
  EXPIRED: 'EXPIRED',
  FAILED: 'FAILED',
} as const;
export type LoanStage = (typeof LoanStage)[keyof typeof LoanStage];

export const TERMINAL_STAGES: readonly LoanStage[] = ['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'];

/** Northbound: a Hong Kong resident borrowing on the mainland; southbound: the reverse. */
export type Direction = 'northbound' | 'southbound';

/** Policy knobs for one tenant and product, fixed when the application starts. */
export interface ApplicationPolicy {
  version: string;
  consentDeadline: Duration;
  reportDeadline: Duration;
  /** Time a review may wait before it escalates to the senior queue; as much again, it expires. */
  reviewSla: Duration;
  manualReview: 'always' | 'on-exception';
  /** Approvals of more than this (in the requested currency) need two distinct approvers. */
  fourEyesThreshold: string;
  maxReportAgeDays: number;
  /** Issuer addresses trusted for this direction, or 'any-member' (see VerificationPolicy). */
  trustedIssuers: string[] | 'any-member';
}

export const DEFAULT_POLICY: ApplicationPolicy = {
  version: 'credit-policy-v1',
  consentDeadline: '7 days',
  reportDeadline: '14 days',
  reviewSla: '48 hours',
  manualReview: 'always',
  fourEyesThreshold: '500000.00',
  maxReportAgeDays: 30,
  trustedIssuers: 'any-member',
};

export interface ApplicationInput {
  tenant: string;
  /** The loan system's own id for the application; with the tenant it names the workflow. */
  applicationId: string;
  loanSystemReference: string;
  product: string;
  requestedLimit: Money;
  /** The loan system's pseudonymous reference for the applicant: never a name or id number. */
  applicantReference: string;
  direction: Direction;
  /** Jurisdiction of the lender's reviewers, e.g. HK or CN: chooses the review queue. */
  reviewJurisdiction: string;
  /** Authenticated identity that submitted the application (maker-checker). */
  submittedBy: string;
  policy: ApplicationPolicy;
}

/** Who acted, as the API authenticated them: never taken from a request body. */
export interface Actor {
  subject: string;
  roles: string[];
  jurisdictions: string[];
}

export interface ConsentGrant {
  purposes: string[];
  dataCategories: string[];
  direction: Direction;
  /** Issuer (credit reference agency address) the consent covers. */
  issuer: string;
  validUntil: string;
  /** SHA-256 (64 hex) of the consent text version shown to the applicant. */
  consentTextHash: string;
  channel: string;
  capturedAt: string;
}

/** The hash of the report the applicant provided, and the few fields the decision needs. */
export interface ReportSubmission {
  reportHash: string;
  scheme: 'sha256-raw-v1' | 'sha256-jcs-v1';
  claimedIssuer?: string;
  /** Set when the report was anchored in a Merkle batch. */
  batch?: { merkleRoot: string; proof: string[] };
  decisionFields: DecisionFields;
}

export interface DecisionFields {
  score: number;
  scoreBand: 'A' | 'B' | 'C' | 'D' | 'E';
  delinquencyFlags: string[];
}

export type ReviewOutcome =
  | { kind: 'approve'; recommendedLimit: Money; notes?: string }
  | { kind: 'decline'; reasonCodes: string[]; notes?: string }
  | { kind: 'request-new-report'; notes?: string };

export interface ReviewDecision {
  reviewer: string;
  outcome: ReviewOutcome;
  at: string;
}

export interface TimelineEntry {
  at: string;
  stage: LoanStage;
  event: string;
  actor?: string;
}

/** What `getState` answers: everything a reviewer or ops person needs, nothing personal. */
/**
 * The application as received, before the workflow's first step: what the workflow starts from,
 * and what the API answers a create with (without waiting for a worker). The applicant's
 * pseudonymous reference stays in the input only; no state or answer carries it.
 */
export function receivedState(
  workflowId: string,
  input: ApplicationInput | ApplicationState['input'],
): ApplicationState {
  const { applicantReference: _pseudonym, ...visibleInput } = input as ApplicationInput;
  return { workflowId, stage: LoanStage.RECEIVED, input: visibleInput, timeline: [] };
}

export interface ApplicationState {
  workflowId: string;
  stage: LoanStage;
  input: Omit<ApplicationInput, 'applicantReference'>;
  consent?: { grant: ConsentGrant; evidenceHash?: string };
  report?: ReportSubmission;
  verification?: VerificationReceipt;
  review?: {
    queue: string;
    escalated: boolean;
    claimedBy?: string;
    dueAt: string;
    approvals: ReviewDecision[];
    decisions: ReviewDecision[];
  };
  decision?: CreditDecision;
  /** Salted hash of the decision as recorded on the evidence registry. */
  decisionEvidenceHash?: string;
  timeline: TimelineEntry[];
}

export type CreditDecision =
  | { outcome: 'APPROVED'; limit: Money; offerExpiresAt: string; policyVersion: string }
  | { outcome: 'DECLINED'; reasonCodes: string[]; policyVersion: string };

/** Why an application's input cannot be processed, or undefined: checked before anything happens. */
export function applicationInputProblem(input: ApplicationInput): string | undefined {
  const limit = moneyProblem(input.requestedLimit);
  if (limit) return `requestedLimit: ${limit}`;
  const threshold = moneyProblem({ amount: input.policy.fourEyesThreshold, currency: input.requestedLimit.currency });
  if (threshold) return `policy.fourEyesThreshold: ${threshold}`;
  if (!(input.policy.version in CREDIT_POLICIES))
    return `policy.version: unknown credit policy ${input.policy.version}`;
  return undefined;
}

/** Tenant and application ids: bounded, no separators that could make two applications collide. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** One workflow per application: the id derives from the tenant and the loan system's id. */
export function applicationWorkflowId(tenant: string, applicationId: string): string {
  if (!ID_PATTERN.test(tenant) || !ID_PATTERN.test(applicationId) || tenant.includes('/')) {
    throw new Error('tenant and application id must be 1-64 characters of A-Z a-z 0-9 _ . : -');
  }
  return `loan/${tenant}/${applicationId}`;
}

export function reviewQueue(jurisdiction: string, escalated: boolean): string {
  return `${jurisdiction}-${escalated ? 'senior' : 'standard'}`;
}
