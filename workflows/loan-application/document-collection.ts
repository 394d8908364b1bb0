/**
 * A document-set application (credit-policy-v2): each accepted document version is verified on the
 * ledger at once, in the background and in parallel with the others (one activity per key and
 * version in a run); the wait for documents ends when the set is ready for review or at the
 * deadline (review then names what is missing; nothing verified at all expires as v1 does); the
 * decision verifies every current document again and feeds a revocation into the set.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import {
  DocumentStatus,
  decideCreditLine,
  catalogueOfRules,
  documentKindSpec,
  documentSetContext,
  isReadyForReview,
  missingAt,
  recordVerification,
  revoke,
  Verdict,
  type ApplicationInput,
  type CreditDecision,
  type DocumentEntry,
  type VerificationPolicy,
} from '#domain';
import { ledger } from './activities.js';
import { type ApplicationRecord } from './application-record.js';
import { DeadlinePassed, requireNotWithdrawn, requireValidConsent, waitFor } from './waits.js';

/** A current document that no longer verifies at the decision, other than by revocation (expired, aged, …). */
export const DOCUMENT_NO_LONGER_VALID = 'DOCUMENT_NO_LONGER_VALID';

/** The policy's trusted issuers, and the age limit of the document's kind (the policy's by default). */
function verificationPolicy(input: ApplicationInput, kind: string): VerificationPolicy {
  const spec = documentKindSpec(catalogueOfRules(input.policy.documents), kind);
  const maxAgeDays = spec?.maxAgeDays ?? input.policy.maxReportAgeDays;
  return { trustedIssuers: input.policy.trustedIssuers, maxReportAgeSeconds: maxAgeDays * 86_400 };
}

function verifyOnLedger(record: ApplicationRecord, entry: DocumentEntry) {
  const current = entry.current!;
  // The summary names the document in the Temporal UI, so ops see which of the set each activity is.
  const summary = `${entry.key} v${current.version} (${entry.kind})`;
  return ledger.verifyDocument.executeWithOptions({ summary }, [
    {
      documentKey: entry.key,
      version: current.version,
      // Only as the document's kind counts: the registry's per-kind trust.
      kind: entry.kind,
      documentHash: current.documentHash,
      issuer: current.issuer,
      ...(current.batch && { batch: current.batch }),
      policy: verificationPolicy(record.input, entry.kind),
    },
  ]);
}

/**
 * Starts verifying the current version of `key` if it awaits verification and no verification of
 * that version was started in this run. Runs in the flow's scope: a withdrawal or an operator's
 * cancel stops it. Its result goes through recordVerification (a late result for a replaced version
 * is ignored there); an activity that fails for good fails the application.
 */
export function verifyDocumentInBackground(record: ApplicationRecord, key: string): void {
  const entry = record.state.documents?.documents.find((d) => d.key === key);
  if (!entry?.current || entry.status !== DocumentStatus.SUBMITTED) return;
  const { version } = entry.current;
  const id = `${key}@${version}`;
  if (record.verifying.has(id)) return;
  record.verifying.add(id);
  const scope = record.flow ?? CancellationScope.current();
  const work = scope
    .run(() => verifyOnLedger(record, entry))
    .then(
      (receipt) => {
        const { state } = record;
        const update = recordVerification(
          state.documents!,
          {
            documentKey: key,
            version,
            verdict: receipt.verdict,
            receipt,
            ...(receipt.detail !== undefined && { detail: receipt.detail }),
            ...(receipt.anchor && { anchorIssuer: receipt.anchor.issuer }),
          },
          documentSetContext(state, new Date().toISOString()),
        );
        state.documents = update.set;
        const status = update.set.documents.find((d) => d.key === key)?.status;
        record.record(
          update.applied
            ? `verification of ${key} v${version}: ${status}`
            : `verification of ${key} v${version} ignored: ${update.ignored}`,
        );
      },
      (error: unknown) => {
        if (!isCancellation(error))
          record.documentFailure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
  void record.inBackground(work);
}

/** Starts the verifications a continued run (or a run that stopped mid-way) still owes. */
export function resumeDocumentVerifications(record: ApplicationRecord): void {
  for (const entry of record.state.documents?.documents ?? []) verifyDocumentInBackground(record, entry.key);
}

/**
 * Waits in AWAITING_REPORT until the set is ready for review (every document verified and within
 * the consent), or the deadline. At the deadline review starts with what is missing named, unless
 * nothing at all was verified by then: that expires (DeadlinePassed), as a missing report does.
 */
export async function awaitDocuments(record: ApplicationRecord): Promise<void> {
  const { state } = record;
  const deadline = state.deadlines!.reportBy!;
  const ready = (): boolean =>
    record.documentFailure !== undefined ||
    isReadyForReview(state.documents!, documentSetContext(state, new Date().toISOString()));
  try {
    await waitFor(record, ready, deadline);
  } catch (error) {
    if (!(error instanceof DeadlinePassed)) throw error;
    if (missingAt(state.documents!, deadline).length === state.documents!.documents.length) throw error;
  }
  if (record.documentFailure !== undefined) throw record.documentFailure;
  const missing = missingAt(state.documents!, deadline);
  state.missingDocuments = missing;
  record.record(
    missing.length === 0
      ? 'every document verified'
      : `documents missing at the deadline: ${missing.map((d) => `${d.key} (${d.reason})`).join(', ')}`,
  );
}

/**
 * The decision on the set: every current verified document verified again (in parallel); a
 * revocation goes into the set (the policy declines `DOCUMENT_REVOKED:<key>`), any other verdict
 * declines `DOCUMENT_NO_LONGER_VALID:<key>`; then credit-policy-v2 on the documents and the consent
 * as they stand now.
 */
export async function decideOnDocuments(record: ApplicationRecord): Promise<CreditDecision> {
  const { state, input } = record;
  const verified = state.documents!.documents.filter((d) => d.current && d.status === DocumentStatus.VERIFIED);
  const receipts = await Promise.all(verified.map((entry) => verifyOnLedger(record, entry)));
  requireValidConsent(record);
  // Withdrawal stays possible until the decision is fixed, right below.
  requireNotWithdrawn(record);
  const at = new Date().toISOString();
  const noLongerValid: string[] = [];
  verified.forEach((entry, i) => {
    const receipt = receipts[i]!;
    record.record(`verification of ${entry.key} repeated: ${receipt.verdict}`);
    if (receipt.verdict === Verdict.REVOKED) {
      state.documents = revoke(state.documents!, {
        documentKey: entry.key,
        documentHash: entry.current!.documentHash,
        at,
        detail: `revoked by its issuer (reason code ${receipt.anchor?.revocationReason ?? 'unknown'})`,
      }).set;
    } else if (receipt.verdict !== Verdict.VERIFIED) {
      noLongerValid.push(`${DOCUMENT_NO_LONGER_VALID}:${entry.key}`);
    }
  });
  const decision = decideCreditLine(input.policy.version, {
    requested: input.requestedLimit,
    documents: state.documents!,
    consent: {
      grant: state.documentConsent?.grant,
      direction: input.direction,
      catalogue: catalogueOfRules(input.policy.documents),
    },
    approvals: state.review?.approvals ?? [],
    decidedAt: at,
  });
  if (noLongerValid.length === 0) return decision;
  return {
    outcome: 'DECLINED',
    reasonCodes: [...noLongerValid, ...(decision.outcome === 'DECLINED' ? decision.reasonCodes : [])],
    policyVersion: decision.policyVersion,
  };
}
