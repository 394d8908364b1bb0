/**
 * What the loan application workflow asks of the outside world. Implemented by the worker's
 * activities; declared here, as types only, so the workflow can proxy them without importing I/O.
 */
import { type ReportSubmission } from './application.js';
import { type VerificationPolicy, type VerificationReceipt } from './verification.js';

export type WebhookEventType =
  | 'application.in-review'
  | 'application.report-requested'
  | 'application.withdrawn'
  | 'application.expired'
  | 'application.failed'
  | 'application.decided';

/**
 * A message to the loan system. `sequence` counts an application's events from 1 without gaps,
 * and events are delivered in that order, each only after the one before was acknowledged;
 * `eventId` is unique and stable across retries, so receivers process each event once. An
 * operator's reset rewinds an application: its next events reuse sequence numbers (under new ids),
 * and supersede what the receiver had from that number on.
 */
export interface WebhookEvent {
  eventId: string;
  sequence: number;
  type: WebhookEventType;
  workflowId: string;
  tenant: string;
  applicationId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Event types after which an application sends nothing more. */
export const TERMINAL_EVENT_TYPES: readonly WebhookEventType[] = [
  'application.withdrawn',
  'application.expired',
  'application.failed',
  'application.decided',
];

export interface LoanApplicationActivities {
  /**
   * Hashes `evidence` with a salt derived from `saltSeed` under the lender's secret and records it
   * on the evidence registry; idempotent (the same seed gives the same hash on every retry).
   */
  recordEvidence(input: {
    workflowId: string;
    kind: 'consent' | 'decision';
    evidence: unknown;
    saltSeed: string;
  }): Promise<{ evidenceHash: string }>;
  /** Verifies the report against the ledger, counting only anchors by `issuer` (the consent's). */
  verifyCreditReport(input: {
    report: ReportSubmission;
    issuer: string;
    policy: VerificationPolicy;
  }): Promise<VerificationReceipt>;
  /**
   * Verifies one version of one document of a document set against the ledger, counting only
   * anchors by `issuer` (the one submitted, which the consent covers). `kind` is the document's
   * kind, for the issuer registry's per-kind trust (not read by the ledger client yet);
   * `documentKey` and `version` name what the result is for.
   */
  verifyDocument(input: {
    documentKey: string;
    version: number;
    kind: string;
    documentHash: string;
    issuer: string;
    policy: VerificationPolicy;
  }): Promise<VerificationReceipt>;
  notifyReviewers(input: { workflowId: string; queue: string; escalated: boolean; dueAt: string }): Promise<void>;
  deliverWebhook(event: WebhookEvent): Promise<void>;
}
