/**
 * The loan application as the workflow and the API share it: stages, input, policy knobs, consent,
 * report submission and review decisions. Pure data; deterministic helpers only.
 */
import { type Duration } from '@temporalio/common';
import { CREDIT_POLICY_V2 } from './credit-policy-v2.js';
import { CREDIT_POLICIES } from './credit-policy.js';
import { type CreditDecision, type DecisionFields, type ReviewDecision } from './decision.js';
import { type DocumentConsentGrant } from './document-consent.js';
import { APPLICANT_TYPES, isApplicantType, type ApplicantType } from './document-kinds.js';
import { documentRulesProblems, type DocumentRules } from './document-policy.js';
import { type DocumentSet, type MissingDocument } from './document-set.js';
import { durationMs } from './duration.js';
import { type HashScheme } from './hash-schemes.js';
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

export function isTerminal(stage: LoanStage): boolean {
  return TERMINAL_STAGES.includes(stage);
}

/** Northbound: a Hong Kong resident borrowing on the mainland; southbound: the reverse. */
export const DIRECTIONS = ['northbound', 'southbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export function isDirection(value: unknown): value is Direction {
  return typeof value === 'string' && (DIRECTIONS as readonly string[]).includes(value);
}

/** The purpose and data category a consent must name for lendbridge to process the report. */
export { REQUIRED_DATA_CATEGORY, REQUIRED_PURPOSE } from './consent-terms.js';

/** Policy knobs for one tenant and product, fixed when the application starts. */
export interface ApplicationPolicy {
  version: string;
  consentDeadline: Duration;
  reportDeadline: Duration;
  /** Time a review may wait before it escalates to the senior queue; as much again, it expires. */
  reviewSla: Duration;
  manualReview: 'always' | 'on-exception';
  /**
   * Per ISO 4217 currency: approvals of more than this amount need two distinct approvers. An
   * application in a currency without a threshold is refused at creation.
   */
  fourEyesThresholds: Readonly<Record<string, string>>;
  maxReportAgeDays: number;
  /** Issuer addresses trusted for this direction, or 'any-member' (see VerificationPolicy). */
  trustedIssuers: string[] | 'any-member';
  /**
   * A document-set policy's (credit-policy-v2) documents: the slots its requirement names and
   * their kinds' catalogue entries (documentRulesFor). Absent from a v1 policy.
   */
  documents?: DocumentRules;
}

export const DEFAULT_POLICY: ApplicationPolicy = {
  version: 'credit-policy-v1',
  consentDeadline: '7 days',
  reportDeadline: '14 days',
  reviewSla: '48 hours',
  manualReview: 'always',
  // Roughly the same sum in each currency; a bank sets its own.
  fourEyesThresholds: { HKD: '500000.00', CNY: '450000.00', USD: '64000.00', MOP: '515000.00' },
  maxReportAgeDays: 30,
  trustedIssuers: 'any-member',
};

/**
 * DEFAULT_POLICY's deadlines and thresholds for a document-set application (credit-policy-v2),
 * decided on the set of documents `documents` names (documentRulesFor).
 */
export function documentSetPolicy(documents: DocumentRules): ApplicationPolicy {
  return { ...DEFAULT_POLICY, version: CREDIT_POLICY_V2, documents };
}

export interface ApplicationInput {
  tenant: string;
  /** The loan system's own id for the application; with the tenant it names the workflow. */
  applicationId: string;
  loanSystemReference: string;
  product: string;
  requestedLimit: Money;
  /** The loan system's pseudonymous reference for the applicant: never a name or id number. */
  applicantReference: string;
  /** Whether the applicant is a person or a company, stated at creation; still no name or number. */
  applicantType: ApplicantType;
  direction: Direction;
  /** Jurisdiction of the lender's reviewers, e.g. HK or CN: chooses the review queue. */
  reviewJurisdiction: string;
  /** Canonical identity that submitted the application (maker-checker). */
  submittedBy: string;
  policy: ApplicationPolicy;
  /**
   * History events after which a run continues as new with its state carried over, so no history
   * nears Temporal's limits however many actions an application sees. Tests lower it.
   */
  eventsPerRun?: number;
}

/** Who acted, as the API authenticated them: never taken from a request body. */
export interface Actor {
  /** Canonical identity (see identity.ts). */
  subject: string;
  roles: string[];
  jurisdictions: string[];
  /** Tenants (banks) the actor serves; a loan system serves its own. */
  tenants: string[];
}

export interface ConsentGrant {
  purposes: string[];
  dataCategories: string[];
  direction: Direction;
  /** Issuer (credit reference agency address) the consent covers: the only one whose anchor counts. */
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
  scheme: HashScheme;
  /** When given, must be the issuer the consent covers. */
  claimedIssuer?: string;
  /** Set when the report was anchored in a Merkle batch. */
  batch?: { merkleRoot: string; proof: string[] };
  decisionFields: DecisionFields;
}

export interface TimelineEntry {
  at: string;
  stage: LoanStage;
  event: string;
  actor?: string;
}

/** Entries the state keeps; older ones stay in the Temporal history and the audit endpoint. */
export const TIMELINE_KEPT = 100;

/** What `getState` answers: everything a reviewer or ops person needs, nothing personal. */
export interface ApplicationState {
  workflowId: string;
  stage: LoanStage;
  input: Omit<ApplicationInput, 'applicantReference'>;
  consent?: { grant: ConsentGrant; evidenceHash?: string };
  /** When each open wait ends (absolute, so a continued run keeps the same deadlines). */
  deadlines?: { consentBy?: string; reportBy?: string };
  report?: ReportSubmission;
  verification?: VerificationReceipt;
  /**
   * credit-policy-v2 only: the per-document consent (instead of `consent`), the document set the
   * application collects, and what was missing when the last wait for documents ended (empty when
   * the set was complete).
   */
  documentConsent?: { grant: DocumentConsentGrant; evidenceHash?: string };
  documents?: DocumentSet;
  missingDocuments?: MissingDocument[];
  review?: {
    /** 1 for the first review, +1 after each request for a new report. */
    round: number;
    queue: string;
    escalated: boolean;
    claimedBy?: string;
    dueAt: string;
    approvals: ReviewDecision[];
    decisions: ReviewDecision[];
  };
  /** The verification repeated as the decision is taken (a report revoked in review is not approved). */
  decisionVerification?: VerificationReceipt;
  decision?: CreditDecision;
  /** Salted hash of the decision as recorded on the evidence registry. */
  decisionEvidenceHash?: string;
  /** Why the application ended, for every terminal stage. */
  ending?: { reason: string; at: string };
  /** The latest entries (at most TIMELINE_KEPT); `timelineLength` counts every entry ever made. */
  timeline: TimelineEntry[];
  timelineLength: number;
}

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
  return { workflowId, stage: LoanStage.RECEIVED, input: visibleInput, timeline: [], timelineLength: 0 };
}

/** The four-eyes threshold for the application's currency, if the policy has one. */
export function fourEyesThreshold(input: Pick<ApplicationInput, 'policy' | 'requestedLimit'>): Money | undefined {
  const currency = input.requestedLimit.currency;
  const amount = Object.hasOwn(input.policy.fourEyesThresholds, currency)
    ? input.policy.fourEyesThresholds[currency]
    : undefined;
  return amount === undefined ? undefined : { amount, currency };
}

/**
 * Why an application's input cannot be processed, or undefined: the API refuses such input with a
 * 422 before anything starts, and the workflow checks again before anything is anchored.
 */
export function applicationInputProblem(input: ApplicationInput): string | undefined {
  // Checked first and never echoed: input started from outside the API may carry anything here.
  if (!isApplicantType(input.applicantType)) return `applicantType: must be one of ${APPLICANT_TYPES.join(', ')}`;
  const limit = moneyProblem(input.requestedLimit);
  if (limit) return `requestedLimit: ${limit}`;
  const threshold = fourEyesThreshold(input);
  if (!threshold)
    return `requestedLimit.currency: the policy has no four-eyes threshold for ${input.requestedLimit.currency}`;
  const thresholdProblem = moneyProblem(threshold);
  if (thresholdProblem) return `policy.fourEyesThresholds.${threshold.currency}: ${thresholdProblem}`;
  if (!Object.hasOwn(CREDIT_POLICIES, input.policy.version))
    return `policy.version: unknown credit policy ${input.policy.version}`;
  // v2 decides on a document set: the policy names it, well formed (a host may start a workflow itself).
  if (input.policy.version === CREDIT_POLICY_V2) {
    if (input.policy.documents === undefined)
      return 'product: no document requirement is configured for this product, applicant type and direction';
    const [problem] = documentRulesProblems(input.policy.documents, input);
    if (problem) return `${problem.field}: ${problem.message}`;
  }
  for (const knob of ['consentDeadline', 'reportDeadline', 'reviewSla'] as const) {
    if (durationMs(input.policy[knob]) === undefined) return `policy.${knob}: not a duration`;
  }
  return undefined;
}

export function reviewQueue(jurisdiction: string, escalated: boolean): string {
  return `${jurisdiction}-${escalated ? 'senior' : 'standard'}`;
}
