/**
 * The two steps that read the ledger: verifying the report (against the one issuer the applicant's
 * consent names), and deciding, which verifies the report again so that a report revoked, expired
 * or aged past the policy while it sat in review is never approved. Consent must be valid at both.
 */
import { CancellationScope, uuid4 } from '@temporalio/workflow';
import {
  DeclineReason,
  decideCreditLine,
  LoanStage,
  Verdict,
  type CreditDecision,
  type VerificationReceipt,
  approvalsRequired,
} from '#domain';
import { ledger } from './activities.js';
import { type ApplicationRecord } from './application-record.js';
import { decideOnDocuments } from './document-collection.js';
import { requireNotWithdrawn, requireValidConsent } from './waits.js';

/** A fresh salt seed; the activity keys it with the lender's secret (workflow randomness is replayable). */
function saltSeed(): string {
  return uuid4().replace(/-/g, '') + uuid4().replace(/-/g, '');
}

/**
 * Anchors the salted consent evidence once consent is given; a withdrawal never cancels it
 * (evidence that consent was given stays worth keeping). Resolves at once if it is anchored.
 */
export function anchorConsentEvidence(record: ApplicationRecord): Promise<void> {
  const { state, book, workflowId } = record;
  // One consent or the other: a report's (v1) or a document set's (v2); the same evidence either way.
  const consent = state.consent ?? state.documentConsent;
  if (!consent || consent.evidenceHash) return Promise.resolve();
  book.consentSaltSeed ??= saltSeed();
  const seed = book.consentSaltSeed;
  const anchoring = CancellationScope.nonCancellable(() =>
    ledger.recordEvidence({
      workflowId,
      kind: 'consent',
      evidence: { workflowId, consent: consent.grant },
      saltSeed: seed,
    }),
  ).then(({ evidenceHash }) => {
    consent.evidenceHash = evidenceHash;
    record.record('consent evidence anchored');
  });
  return record.inBackground(anchoring);
}

async function verifyOnLedger(record: ApplicationRecord): Promise<VerificationReceipt> {
  const { state, input } = record;
  requireValidConsent(record);
  const issuer = state.consent!.grant.issuer;
  const receipt = await ledger.verifyCreditReport({
    report: state.report!,
    issuer,
    policy: {
      trustedIssuers: input.policy.trustedIssuers,
      maxReportAgeSeconds: input.policy.maxReportAgeDays * 86_400,
    },
  });
  requireValidConsent(record);
  return {
    ...receipt,
    ...(receipt.verdict !== Verdict.VERIFIED && { detail: verdictDetail(record, receipt, issuer) }),
  };
}

function verdictDetail(record: ApplicationRecord, receipt: VerificationReceipt, issuer: string): string {
  const policy = record.input.policy;
  switch (receipt.verdict) {
    case Verdict.NOT_ANCHORED:
      return `not anchored by ${issuer}, the issuer the applicant's consent covers`;
    case Verdict.UNTRUSTED_ISSUER:
      return `${issuer} is not trusted by policy ${policy.version} or is no longer a member of the consortium`;
    case Verdict.REVOKED:
      return `revoked by its issuer (reason code ${receipt.anchor?.revocationReason ?? 'unknown'})`;
    case Verdict.EXPIRED:
      return `expired (${receipt.anchor?.expiresAt ?? 'unknown'}) or anchored more than ${policy.maxReportAgeDays} days ago`;
    default:
      return receipt.verdict;
  }
}

export async function verifyReport(record: ApplicationRecord): Promise<void> {
  record.enter(LoanStage.VERIFYING);
  record.state.verification = await verifyOnLedger(record);
  record.record(`verification: ${record.state.verification.verdict}`);
}

/** On `on-exception` policy a verified report that one approver could approve needs no reviewer. */
export function isRoutine(record: ApplicationRecord): boolean {
  const { state, input } = record;
  return (
    input.policy.manualReview === 'on-exception' &&
    state.verification?.verdict === Verdict.VERIFIED &&
    approvalsRequired(state) === 1
  );
}

export async function decide(record: ApplicationRecord): Promise<void> {
  const { state, book, input, workflowId } = record;
  requireValidConsent(record);
  record.enter(LoanStage.DECIDING);
  const outcome = book.roundOutcome;
  let decision: CreditDecision;
  if (outcome?.kind === 'decline') {
    decision = { outcome: 'DECLINED', reasonCodes: outcome.reasonCodes, policyVersion: input.policy.version };
  } else if (state.documents) {
    decision = await decideOnDocuments(record);
  } else {
    state.decisionVerification = await verifyOnLedger(record);
    // Withdrawal stays possible until the decision is fixed, right below.
    requireNotWithdrawn(record);
    const verdict = state.decisionVerification.verdict;
    record.record(`verification repeated: ${verdict}`);
    decision =
      verdict === Verdict.VERIFIED
        ? decideCreditLine(input.policy.version, {
            requested: input.requestedLimit,
            fields: state.report!.decisionFields,
            approvals: state.review?.approvals ?? [],
            decidedAt: new Date().toISOString(),
          })
        : {
            outcome: 'DECLINED',
            reasonCodes: [DeclineReason.REPORT_NO_LONGER_VALID],
            policyVersion: input.policy.version,
          };
  }
  state.decision = decision;
  const { evidenceHash } = await ledger.recordEvidence({
    workflowId,
    kind: 'decision',
    evidence: { workflowId, decision },
    saltSeed: saltSeed(),
  });
  state.decisionEvidenceHash = evidenceHash;
  record.enter(decision.outcome, `decision ${decision.outcome}`);
  record.emit('application.decided', { decision });
}
