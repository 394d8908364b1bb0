/**
 * The baseline of `npm run bench:e2e`: a bare workflow with the loan application's shape and
 * nothing else. The same four updates arrive in the same order and the same six activities run at
 * the same points (consent evidence beside the wait for the report, verification, the in-review
 * webhook in the background beside the reviewer notification, decision evidence, the decided
 * webhook), but the activities do nothing, there are no validators, timers, search attributes,
 * queries or payload encryption. Bundled on its own for bench/e2e/bare-worker.ts.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareActivities {
  recordEvidence(input: { workflowId: string; kind: 'consent' | 'decision' }): Promise<{ evidenceHash: string }>;
  verifyCreditReport(input: { reportHash: string }): Promise<{ verdict: string }>;
  notifyReviewers(input: { workflowId: string }): Promise<void>;
  deliverWebhook(input: { workflowId: string; type: string }): Promise<void>;
}

export interface BareInput {
  workflowId: string;
  amount: string;
}

export const bareGrantConsent = defineUpdate<string, [{ actor: string }]>('grantConsent');
export const bareSubmitCreditReport = defineUpdate<string, [{ actor: string; reportHash: string }]>(
  'submitCreditReport',
);
/** Waits, inside the update, until the workflow has reached review: the caller needs no other signal. */
export const bareClaimReview = defineUpdate<string, [{ actor: string }]>('claimReview');
export const bareCompleteReview = defineUpdate<string, [{ actor: string; approve: boolean }]>('completeReview');

export const BARE_LOAN_WORKFLOW = 'bareLoanWorkflow';

const activities = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

export async function bareLoanWorkflow(input: BareInput): Promise<string> {
  let consented = false;
  let reportHash: string | undefined;
  let inReview = false;
  let claimedBy: string | undefined;
  let approved: boolean | undefined;

  setHandler(bareGrantConsent, () => {
    consented = true;
    return 'AWAITING_REPORT';
  });
  setHandler(bareSubmitCreditReport, ({ reportHash: hash }) => {
    reportHash = hash;
    return 'VERIFYING';
  });
  setHandler(bareClaimReview, async ({ actor }) => {
    await condition(() => inReview);
    claimedBy = actor;
    return 'IN_REVIEW';
  });
  setHandler(bareCompleteReview, ({ approve }) => {
    approved = approve;
    return 'DECIDING';
  });

  await condition(() => consented);
  const consentEvidence = activities.recordEvidence({ workflowId: input.workflowId, kind: 'consent' });
  await Promise.all([consentEvidence, condition(() => reportHash !== undefined)]);
  await activities.verifyCreditReport({ reportHash: reportHash! });
  inReview = true;
  const inReviewWebhook = activities.deliverWebhook({ workflowId: input.workflowId, type: 'application.in-review' });
  await activities.notifyReviewers({ workflowId: input.workflowId });
  await condition(() => claimedBy !== undefined && approved !== undefined);
  await activities.recordEvidence({ workflowId: input.workflowId, kind: 'decision' });
  const outcome = approved ? 'APPROVED' : 'DECLINED';
  await activities.deliverWebhook({ workflowId: input.workflowId, type: 'application.decided' });
  await inReviewWebhook;
  return outcome;
}
