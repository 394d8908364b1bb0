import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import type {
  DocumentBatchProof,
  LoanApplicationActivities,
  ReportSubmission,
  VerificationPolicy,
  VerificationReceipt,
  WebhookEvent,
} from '#domain';
import { StandardDocumentKind } from '#domain/document-kinds';
import { applicationReference, evidenceSalt, hashEvidence, isReportHashHex } from '#hashing';
import { EvidenceKind, LedgerClient, LedgerWriter } from '#ledger';
import { countingFailures } from './attempt-failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { WEBHOOK_DELIVERY, type WebhookDelivery } from './webhook-sender.js';

/**
 * The loan application workflow's activities. Each is idempotent: evidence is recorded under a
 * hash fixed by the workflow's salt (the writer sends nothing when it is already on chain), a
 * verification only reads, and a webhook carries an event id stable across retries.
 */
@Injectable()
export class LoanApplicationActivitiesService implements LoanApplicationActivities {
  private readonly logger = new Logger('LoanApplicationActivities');

  constructor(
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
    @Inject(LedgerClient) private readonly ledger: LedgerClient,
    @Inject(LedgerWriter) private readonly writer: LedgerWriter,
    @Inject(WEBHOOK_DELIVERY) private readonly webhooks: WebhookDelivery,
  ) {}

  async recordEvidence(input: {
    workflowId: string;
    kind: 'consent' | 'decision';
    evidence: unknown;
    saltSeed: string;
  }): Promise<{ evidenceHash: string }> {
    return await countingFailures('recordEvidence', async () => {
      const key = this.config.evidence.referenceKey;
      // An operator can set it: retried (and alerted on), never a reason to fail an application.
      if (!key) throw ApplicationFailure.retryable('EVIDENCE_REFERENCE_KEY is not configured', 'ConfigurationError');
      // The salt can be derived again from the seed (in the history) and the key, to prove the evidence.
      const evidenceHash = hashEvidence(input.evidence, evidenceSalt(input.saltSeed, key));
      const kind = input.kind === 'consent' ? EvidenceKind.Consent : EvidenceKind.Decision;
      await whileHeartbeating(() =>
        this.writer.recordEvidence(evidenceHash, applicationReference(input.workflowId, key), kind),
      );
      return { evidenceHash };
    });
  }

  async verifyCreditReport(input: {
    report: ReportSubmission;
    issuer: string;
    policy: VerificationPolicy;
  }): Promise<VerificationReceipt> {
    const { report, issuer, policy } = input;
    if (!isReportHashHex(report.reportHash)) {
      throw ApplicationFailure.nonRetryable('the report hash is not 64 lowercase hex characters', 'InvalidReportError');
    }
    // Only the issuer the applicant consented to counts: another issuer's anchor of the same hash
    // verifies as not anchored.
    return await countingFailures('verifyCreditReport', () =>
      whileHeartbeating(() =>
        report.batch
          ? this.ledger.verifyReportInBatch(
              issuer,
              StandardDocumentKind.PERSONAL_CREDIT_REPORT,
              report.reportHash,
              report.batch.proof,
              report.batch.merkleRoot,
              policy,
            )
          : this.ledger.verifyReport(issuer, StandardDocumentKind.PERSONAL_CREDIT_REPORT, report.reportHash, policy),
      ),
    );
  }

  /**
   * One document of a set, verified like a report: only the issuer submitted (and consented to)
   * counts, and only as the document's kind (the registry's per-kind trust).
   */
  async verifyDocument(input: {
    documentKey: string;
    version: number;
    kind: string;
    documentHash: string;
    issuer: string;
    batch?: DocumentBatchProof;
    policy: VerificationPolicy;
  }): Promise<VerificationReceipt> {
    const { documentHash, issuer, kind, batch, policy } = input;
    if (!isReportHashHex(documentHash)) {
      throw ApplicationFailure.nonRetryable(
        'the document hash is not 64 lowercase hex characters',
        'InvalidReportError',
      );
    }
    return await countingFailures('verifyDocument', () =>
      whileHeartbeating(() =>
        batch
          ? this.ledger.verifyReportInBatch(issuer, kind, documentHash, batch.proof, batch.merkleRoot, policy)
          : this.ledger.verifyReport(issuer, kind, documentHash, policy),
      ),
    );
  }

  notifyReviewers(input: { workflowId: string; queue: string; escalated: boolean; dueAt: string }): Promise<void> {
    // Reviewers work from their inbox; this line is what an alerting integration would hook into.
    this.logger.log(
      `${input.escalated ? 'escalated' : 'new'} review task in ${input.queue} for ${input.workflowId}, due ${input.dueAt}`,
    );
    return Promise.resolve();
  }

  async deliverWebhook(event: WebhookEvent): Promise<void> {
    await countingFailures('deliverWebhook', () => this.webhooks.deliver(event));
  }
}
