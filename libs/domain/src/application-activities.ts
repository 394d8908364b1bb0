/**
 * What the loan application workflow asks of the outside world. Implemented by the worker's
 * activities; declared here, as types only, so the workflow can proxy them without importing I/O.
 */
import { type ReportSubmission } from './application.js';
import { type VerificationPolicy, type VerificationReceipt } from './verification.js';

/** A message to the loan system; `eventId` is unique and stable across retries (receivers dedupe on it). */
export interface WebhookEvent {
  eventId: string;
  type:
    | 'application.in-review'
    | 'application.withdrawn'
    | 'application.expired'
    | 'application.failed'
    | 'application.decided';
  workflowId: string;
  tenant: string;
  applicationId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

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
  verifyCreditReport(input: { report: ReportSubmission; policy: VerificationPolicy }): Promise<VerificationReceipt>;
  notifyReviewers(input: { workflowId: string; queue: string; escalated: boolean; dueAt: string }): Promise<void>;
  deliverWebhook(event: WebhookEvent): Promise<void>;
}
