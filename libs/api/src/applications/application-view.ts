/**
 * What the API shows of an application's state, per audience. The workflow's state holds more than
 * any one caller needs; each view picks what its reader acts on and leaves the rest out.
 */
import {
  type ApplicantType,
  type ApplicationState,
  type CreditDecision,
  type DocumentConsentGrant,
  type DocumentEntry,
  type DocumentStatus,
  type MissingDocument,
  type Verdict,
  type ReviewOutcome,
  type TimelineEntry,
  type VerificationReceipt,
} from '#domain';
import { approvalsRequired, isApplicantType } from '#domain';

export interface ApplicationLinks {
  self: string;
  temporalUi: string;
}

/** One document of a set as the loan system sees it: where it stands, not the reviewers' evidence. */
export interface DocumentView {
  key: string;
  kind: string;
  /** `applicant`, or `principal-owner` for a company owner's own document. */
  subject: string;
  month?: string;
  status: DocumentStatus;
  versions: number;
  current?: {
    version: number;
    documentHash: string;
    issuer: string;
    submittedAt: string;
    batchRoot?: string;
    /** How the file became `documentHash`, when the loan system said. */
    scheme?: string;
    verdict?: Verdict;
    verifiedAt?: string;
    /** Why it did not verify, in words the loan system can act on. */
    detail?: string;
  };
  /** A reviewer asked for a new version of this document, and why. */
  newVersionRequested?: { reason: string; at: string };
}

/** For the loan system that owns the application. */
export interface ApplicationView {
  tenant: string;
  applicationId: string;
  workflowId: string;
  stage: ApplicationState['stage'];
  /** Absent only for input another client started with a type the API refuses (it FAILED at once). */
  applicantType?: ApplicantType;
  loanSystemReference: string;
  product: string;
  requestedLimit: { amount: string; currency: string };
  direction: string;
  reviewJurisdiction: string;
  submittedBy: string;
  policyVersion: string;
  consent?: { issuer: string; validUntil: string; evidenceHash?: string };
  /** A document set's consent (credit-policy-v2) instead of `consent`. */
  documentConsent?: { validUntil: string; evidenceHash?: string };
  report?: { reportHash: string; scheme: string; claimedIssuer?: string };
  verification?: VerificationReceipt;
  /** A document set's documents (credit-policy-v2), in the order the requirement names them. */
  documents?: DocumentView[];
  /** What was missing when review started at the deadline. */
  missingDocuments?: MissingDocument[];
  review?: { queue: string; escalated: boolean; dueAt: string; approvals: number; approvalsRequired: number };
  decision?: CreditDecision;
  decisionEvidenceHash?: string;
  /** Why it ended, once it has: decision, expiry, withdrawal, failure, an operator's cancel or terminate. */
  ending?: { reason: string; at: string };
  timeline: TimelineEntry[];
  links: ApplicationLinks;
}

/** For a reviewer working the task: the evidence they judge, and the review's progress. */
export interface ReviewTaskView {
  tenant: string;
  applicationId: string;
  workflowId: string;
  stage: ApplicationState['stage'];
  applicantType?: ApplicantType;
  product: string;
  requestedLimit: { amount: string; currency: string };
  direction: string;
  reviewJurisdiction: string;
  submittedBy: string;
  consent?: {
    purposes: string[];
    dataCategories: string[];
    issuer: string;
    validUntil: string;
    capturedAt: string;
    channel: string;
    evidenceHash?: string;
  };
  documentConsent?: DocumentConsentGrant & { evidenceHash?: string };
  report?: ApplicationState['report'];
  verification?: VerificationReceipt;
  /** Every document with its current version's fields, verdict and ledger receipt. */
  documents?: DocumentEntry[];
  missingDocuments?: MissingDocument[];
  review?: {
    queue: string;
    escalated: boolean;
    dueAt: string;
    overdue: boolean;
    claimedBy?: string;
    approvalsRequired: number;
    decisions: { reviewer: string; at: string; outcome: ReviewOutcome }[];
  };
  decision?: CreditDecision;
  ending?: { reason: string; at: string };
  timeline: TimelineEntry[];
  links: ApplicationLinks;
}

export function applicationView(state: ApplicationState, links: ApplicationLinks): ApplicationView {
  const { input } = state;
  return {
    tenant: input.tenant,
    applicationId: input.applicationId,
    workflowId: state.workflowId,
    stage: state.stage,
    ...applicantTypeOf(input),
    loanSystemReference: input.loanSystemReference,
    product: input.product,
    requestedLimit: input.requestedLimit,
    direction: input.direction,
    reviewJurisdiction: input.reviewJurisdiction,
    submittedBy: input.submittedBy,
    policyVersion: input.policy.version,
    ...(state.consent && {
      consent: {
        issuer: state.consent.grant.issuer,
        validUntil: state.consent.grant.validUntil,
        ...(state.consent.evidenceHash && { evidenceHash: state.consent.evidenceHash }),
      },
    }),
    ...(state.documentConsent && {
      documentConsent: {
        validUntil: state.documentConsent.grant.validUntil,
        ...(state.documentConsent.evidenceHash && { evidenceHash: state.documentConsent.evidenceHash }),
      },
    }),
    ...(state.documents && { documents: documentViews(state.documents.documents) }),
    ...(state.missingDocuments && { missingDocuments: state.missingDocuments }),
    ...(state.report && {
      report: {
        reportHash: state.report.reportHash,
        scheme: state.report.scheme,
        ...(state.report.claimedIssuer && { claimedIssuer: state.report.claimedIssuer }),
      },
    }),
    ...(state.verification && { verification: state.verification }),
    // Reviewers' names and notes are the lender's internal business, not the loan system's.
    ...(state.review && {
      review: {
        queue: state.review.queue,
        escalated: state.review.escalated,
        dueAt: state.review.dueAt,
        approvals: state.review.approvals.length,
        approvalsRequired: approvalsRequired(state),
      },
    }),
    ...(state.decision && { decision: state.decision }),
    ...(state.decisionEvidenceHash && { decisionEvidenceHash: state.decisionEvidenceHash }),
    ...(state.ending && { ending: state.ending }),
    timeline: state.timeline.map(({ at, stage, event }) => ({ at, stage, event })),
    links,
  };
}

export function reviewTaskView(state: ApplicationState, links: ApplicationLinks, now: Date): ReviewTaskView {
  const { input } = state;
  return {
    tenant: input.tenant,
    applicationId: input.applicationId,
    workflowId: state.workflowId,
    stage: state.stage,
    ...applicantTypeOf(input),
    product: input.product,
    requestedLimit: input.requestedLimit,
    direction: input.direction,
    reviewJurisdiction: input.reviewJurisdiction,
    submittedBy: input.submittedBy,
    ...(state.consent && { consent: { ...state.consent.grant, evidenceHash: state.consent.evidenceHash } }),
    ...(state.documentConsent && {
      documentConsent: { ...state.documentConsent.grant, evidenceHash: state.documentConsent.evidenceHash },
    }),
    ...(state.documents && { documents: state.documents.documents }),
    ...(state.missingDocuments && { missingDocuments: state.missingDocuments }),
    ...(state.report && { report: state.report }),
    ...(state.verification && { verification: state.verification }),
    ...(state.review && {
      review: {
        queue: state.review.queue,
        escalated: state.review.escalated,
        dueAt: state.review.dueAt,
        overdue: Date.parse(state.review.dueAt) < now.getTime() && state.stage === 'IN_REVIEW',
        claimedBy: state.review.claimedBy,
        approvalsRequired: approvalsRequired(state),
        decisions: state.review.decisions,
      },
    }),
    ...(state.decision && { decision: state.decision }),
    ...(state.ending && { ending: state.ending }),
    timeline: state.timeline,
    links,
  };
}

/**
 * The type as stated at creation. Input started straight through Temporal may hold anything there
 * (it failed at once); such a value is never shown back.
 */
function applicantTypeOf(input: ApplicationState['input']): { applicantType?: ApplicantType } {
  return isApplicantType(input.applicantType) ? { applicantType: input.applicantType } : {};
}

/** The loan system's view of each document: status and verdict, not the fields or the receipt. */
export function documentViews(documents: readonly DocumentEntry[]): DocumentView[] {
  return documents.map((d) => ({
    key: d.key,
    kind: d.kind,
    subject: d.subject,
    ...(d.month !== undefined && { month: d.month }),
    status: d.status,
    versions: d.versions,
    ...(d.current && {
      current: {
        version: d.current.version,
        documentHash: d.current.documentHash,
        issuer: d.current.issuer,
        submittedAt: d.current.submittedAt,
        ...(d.current.batch && { batchRoot: d.current.batch.merkleRoot }),
        ...(d.current.scheme && { scheme: d.current.scheme }),
        ...(d.current.verification && {
          verdict: d.current.verification.verdict,
          verifiedAt: d.current.verification.at,
          ...(d.current.verification.detail !== undefined && { detail: d.current.verification.detail }),
        }),
      },
    }),
    ...(d.newVersionRequested && {
      newVersionRequested: { reason: d.newVersionRequested.reason, at: d.newVersionRequested.at },
    }),
  }));
}
