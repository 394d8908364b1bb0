/**
 * One durable workflow per loan application: consent, the applicant's report verified on the
 * ledger, manual review by authorised reviewers, and the credit decision. Every wait has a
 * deadline; every human action is an update whose validator refuses what does not fit, so a
 * refused action never reaches history or disturbs the workflow.
 */
import { type Duration } from '@temporalio/common';
// Not re-exported by the package index; the same parser Temporal applies to timer durations.
import { msToNumber } from '@temporalio/common/lib/time.js';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applicationInputProblem,
  claimReview,
  completeReview,
  decideCreditLine,
  getState,
  grantConsent,
  LoanStage,
  receivedState,
  REFUSAL_FAILURE_TYPES,
  releaseReview,
  reviewQueue,
  revokeConsent,
  SearchAttributeKeys,
  submitCreditReport,
  TERMINAL_STAGES,
  toMinorUnits,
  Verdict,
  type Actor,
  type ApplicationInput,
  type ApplicationState,
  type LoanApplicationActivities,
  type ConsentGrant,
  type ReportSubmission,
  type ReviewOutcome,
  type WebhookEvent,
} from '../libs/domain/src/index.js';
import {
  approvalsRequired,
  claimRefusal,
  completeRefusal,
  consentRefusal,
  loanSystemRefusal,
  releaseRefusal,
  reportRefusal,
  type Refusal,
} from './loan-application/review-rules.js';

/** Errors that no retry can cure (see libs/ledger/src/ledger-errors.ts and the activities). */
const FINAL_ERRORS = [
  'LedgerMismatchError',
  'LedgerRevertError',
  'LedgerInputError',
  'LedgerSignerMissingError',
  'InvalidReportError',
  'ConfigurationError',
];

const ledger = proxyActivities<LoanApplicationActivities>({
  // Longer than a transaction's receipt wait (LEDGER_TX_TIMEOUT_MS), so an attempt is not cut off
  // while its transaction is still pending.
  startToCloseTimeout: '2 minutes',
  // The activities heartbeat every 5 s (activities/heartbeat.ts): an attempt on a worker that died
  // is retried after this, not after the two minutes above.
  heartbeatTimeout: '20 seconds',
  // A ledger outage of minutes must not fail an application: retry with backoff, bounded overall.
  scheduleToCloseTimeout: '2 hours',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: FINAL_ERRORS,
  },
});
// Evidence of a decision already taken: retried until the ledger takes it, however long that is,
// because failing an application reviewers approved would be worse than waiting.
const decisionLedger = proxyActivities<LoanApplicationActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: FINAL_ERRORS,
  },
});
// The loan system must learn the outcome: retried until it answers 2xx, however long that takes.
const notify = proxyActivities<LoanApplicationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Thrown inside the flow when a deadline passes; ends the application as EXPIRED. */
class DeadlinePassed extends Error {}

export async function loanApplicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const { workflowId } = workflowInfo();
  const state: ApplicationState = receivedState(workflowId, input);
  let withdrawal: { actor: string; reason: string } | undefined;
  let consentAnchoring: Promise<{ evidenceHash: string }> | undefined;
  /** Deliveries started without waiting for them; the workflow ends only once they are done. */
  const background: Promise<unknown>[] = [];
  let reviewDone = false;
  /** The review decision that completed the round: what DECIDING acts on. */
  let roundOutcome: ReviewOutcome | undefined;
  const flow = new CancellationScope();

  const record = (event: string, actor?: string): void => {
    state.timeline.push({ at: new Date().toISOString(), stage: state.stage, event, ...(actor ? { actor } : {}) });
  };
  const enter = (stage: ApplicationState['stage']): void => {
    state.stage = stage;
    record(`entered ${stage}`);
    upsertSearchAttributes([
      { key: SearchAttributeKeys.LoanStage, value: stage },
      {
        key: SearchAttributeKeys.ReviewQueue,
        value: state.review && stage === LoanStage.IN_REVIEW ? state.review.queue : null,
      },
      ...(TERMINAL_STAGES.includes(stage) ? [{ key: SearchAttributeKeys.LoanOutcome, value: stage }] : []),
    ]);
  };
  const setReviewer = (subject: string | undefined): void => {
    state.review!.claimedBy = subject;
    upsertSearchAttributes([{ key: SearchAttributeKeys.AssignedReviewer, value: subject ?? null }]);
  };
  // Added after histories were recorded, so behind patched(). Asked at every due time, not once: a
  // review under way at the upgrade then gets its due time from the next escalation on.
  const indexReviewDue = (dueAt: string): void => {
    if (patched('review-due-search-attribute')) {
      upsertSearchAttributes([{ key: SearchAttributeKeys.ReviewDueAt, value: new Date(dueAt) }]);
    }
  };
  // The refusal's kind is the failure type, so the API can answer 403, 409 or 422 without parsing
  // messages. Validators run before an update is written to history: no command changes.
  const refuseUnless = (refusal: Refusal): void => {
    if (refusal)
      throw ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPES[refusal.kind], message: refusal.message });
  };
  const expectStage = (stage: ApplicationState['stage']): void =>
    refuseUnless(
      state.stage === stage
        ? undefined
        : { kind: 'conflict', message: `the application is ${state.stage}, not ${stage}` },
    );

  // Numbered in the workflow, so an event keeps its id across delivery retries and two events of
  // one type (two review rounds) never share one.
  let eventCount = 0;
  const event = (type: WebhookEvent['type'], data: Record<string, unknown>): WebhookEvent => ({
    eventId: `${workflowId}/${++eventCount}/${type}`,
    type,
    workflowId,
    tenant: input.tenant,
    applicationId: input.applicationId,
    occurredAt: new Date().toISOString(),
    data,
  });

  // Before any handler is set: an update that arrives with the first task is delivered the moment
  // its handler is registered, and must find the application already waiting for consent.
  record('application received');
  // Input no policy can process fails at once, before anything is anchored or anyone waits.
  const inputProblem = applicationInputProblem(input);
  if (inputProblem) {
    record(`failed: ${inputProblem}`);
    enter(LoanStage.FAILED);
    await notify.deliverWebhook(event('application.failed', { reason: inputProblem }));
    return state;
  }
  // What ops filter by that never changes. Added after histories were recorded: a new command, so
  // behind patched() (the replay test failed without it).
  if (patched('application-search-attributes')) {
    upsertSearchAttributes([
      { key: SearchAttributeKeys.Tenant, value: input.tenant },
      { key: SearchAttributeKeys.LoanSystemReference, value: input.loanSystemReference },
      { key: SearchAttributeKeys.Jurisdiction, value: input.reviewJurisdiction },
      { key: SearchAttributeKeys.RequestedAmountMinor, value: Number(toMinorUnits(input.requestedLimit)) },
    ]);
  }
  enter(LoanStage.AWAITING_CONSENT);

  setHandler(getState, () => state);
  setHandler(
    grantConsent,
    ({ actor, consent }) => {
      state.consent = { grant: consent };
      record('consent granted', actor.subject);
      return state;
    },
    {
      validator: ({ actor, consent }: { actor: Actor; consent: ConsentGrant }) => {
        refuseUnless(loanSystemRefusal(actor));
        expectStage(LoanStage.AWAITING_CONSENT);
        refuseUnless(consentRefusal(state, consent, new Date()));
      },
    },
  );
  setHandler(
    revokeConsent,
    ({ actor, reason }) => {
      withdrawal = { actor: actor.subject, reason };
      record(`consent revoked: ${reason}`, actor.subject);
      flow.cancel();
      return state;
    },
    {
      validator: ({ actor }: { actor: Actor }) => {
        refuseUnless(loanSystemRefusal(actor));
        // Once the review is complete the decision is being taken: too late to withdraw.
        refuseUnless(
          withdrawal || reviewDone || TERMINAL_STAGES.includes(state.stage) || state.stage === LoanStage.DECIDING
            ? { kind: 'conflict', message: `the application is ${state.stage}: consent can no longer be revoked` }
            : undefined,
        );
      },
    },
  );
  setHandler(
    submitCreditReport,
    ({ actor, report }) => {
      state.report = report;
      state.verification = undefined;
      record(`credit report submitted (${report.scheme})`, actor.subject);
      return state;
    },
    {
      validator: ({ actor, report }: { actor: Actor; report: ReportSubmission }) => {
        refuseUnless(loanSystemRefusal(actor));
        expectStage(LoanStage.AWAITING_REPORT);
        refuseUnless(reportRefusal(state, report));
      },
    },
  );
  setHandler(
    claimReview,
    ({ actor }) => {
      setReviewer(actor.subject);
      record('review claimed', actor.subject);
      return state;
    },
    { validator: ({ actor }: { actor: Actor }) => refuseUnless(claimRefusal(state, actor, reviewDone)) },
  );
  setHandler(
    releaseReview,
    ({ actor }) => {
      setReviewer(undefined);
      record('review released', actor.subject);
      return state;
    },
    { validator: ({ actor }: { actor: Actor }) => refuseUnless(releaseRefusal(state, actor)) },
  );
  setHandler(
    completeReview,
    ({ actor, outcome }) => {
      const review = state.review!;
      const decision = { reviewer: actor.subject, outcome, at: new Date().toISOString() };
      review.decisions.push(decision);
      record(`review: ${outcome.kind}`, actor.subject);
      setReviewer(undefined);
      if (outcome.kind === 'approve') review.approvals.push(decision);
      reviewDone = outcome.kind !== 'approve' || review.approvals.length >= approvalsRequired(state);
      if (reviewDone) roundOutcome = outcome;
      return state;
    },
    {
      validator: ({ actor, outcome }: { actor: Actor; outcome: ReviewOutcome }) =>
        refuseUnless(completeRefusal(state, actor, outcome, reviewDone)),
    },
  );

  /** Waits for `done` within `timeout`; a revocation cancels the wait (via the flow scope). */
  /**
   * Marks a promise awaited later as handled now: a deadline that passes (or a cancellation) while
   * the workflow awaits something else first must not count as an unhandled rejection.
   */
  const handled = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };

  const awaitOrExpire = async (done: () => boolean, timeout: Duration): Promise<void> => {
    // An update accepted in the same task as the timer fired still counts.
    if (!(await condition(done, timeout)) && !done()) throw new DeadlinePassed();
  };

  const runApplication = async (): Promise<void> => {
    const policy = input.policy;
    await awaitOrExpire(() => state.consent !== undefined, policy.consentDeadline);
    // The report is welcome as soon as consent is given; the consent evidence is anchored meanwhile.
    // The salt seed is drawn here so every retry of the activity hashes the same evidence; the
    // activity keys it with the lender's secret, since workflow randomness is replayable.
    enter(LoanStage.AWAITING_REPORT);
    const consentSalt = uuid4().replace(/-/g, '') + uuid4().replace(/-/g, '');
    // Evidence that consent was given stays worth keeping if it is revoked later: a revocation
    // cancels the wait for the report, never the anchoring.
    consentAnchoring = CancellationScope.nonCancellable(() =>
      ledger.recordEvidence({
        workflowId,
        kind: 'consent',
        evidence: { workflowId, consent: state.consent!.grant },
        saltSeed: consentSalt,
      }),
    ).then((evidence) => {
      state.consent!.evidenceHash = evidence.evidenceHash;
      record('consent evidence anchored');
      return evidence;
    });
    await Promise.all([consentAnchoring, awaitOrExpire(() => state.report !== undefined, policy.reportDeadline)]);

    for (;;) {
      if (state.report === undefined) {
        enter(LoanStage.AWAITING_REPORT);
        await awaitOrExpire(() => state.report !== undefined, policy.reportDeadline);
      }
      enter(LoanStage.VERIFYING);
      state.verification = await ledger.verifyCreditReport({
        report: state.report!,
        policy: { trustedIssuers: policy.trustedIssuers, maxReportAgeSeconds: policy.maxReportAgeDays * 86_400 },
      });
      record(`verification: ${state.verification.verdict}`);
      // on-exception skips people only for a verified report that one approver could approve.
      const routine = state.verification.verdict === Verdict.VERIFIED && approvalsRequired(state) === 1;
      if (policy.manualReview === 'on-exception' && routine) break;

      await review();
      if (roundOutcome?.kind !== 'request-new-report') break;
      state.report = undefined;
      state.verification = undefined;
    }

    enter(LoanStage.DECIDING);
    const decision =
      roundOutcome?.kind === 'decline'
        ? { outcome: 'DECLINED' as const, reasonCodes: roundOutcome.reasonCodes, policyVersion: policy.version }
        : decideCreditLine(policy.version, {
            requested: input.requestedLimit,
            fields: state.report!.decisionFields,
            approvals: state.review?.approvals ?? [],
            decidedAt: new Date().toISOString(),
          });
    state.decision = decision;
    const decisionSalt = uuid4().replace(/-/g, '') + uuid4().replace(/-/g, '');
    const decisionEvidence = await decisionLedger.recordEvidence({
      workflowId,
      kind: 'decision',
      evidence: { workflowId, decision },
      saltSeed: decisionSalt,
    });
    state.decisionEvidenceHash = decisionEvidence.evidenceHash;
    record(`decision: ${decision.outcome}`);
    enter(decision.outcome);
  };

  /** One review round: waits for the review to complete, escalating after one SLA, expiring after two. */
  const review = async (): Promise<void> => {
    reviewDone = false;
    roundOutcome = undefined;
    const jurisdiction = input.reviewJurisdiction;
    state.review = {
      queue: reviewQueue(jurisdiction, false),
      escalated: false,
      dueAt: dueIn(input.policy.reviewSla),
      approvals: [],
      decisions: [],
    };
    enter(LoanStage.IN_REVIEW);
    indexReviewDue(state.review.dueAt);
    // Added after the first release, behind patched() so histories from before still replay. The
    // first version awaited the webhook, which let a loan system that is down hold up the review
    // (and its SLA); now it goes out in the background, and the workflow waits for it at the end.
    const reviewStarted = event('application.in-review', { queue: state.review.queue, dueAt: state.review.dueAt });
    if (patched('review-started-webhook-in-background')) {
      background.push(CancellationScope.nonCancellable(() => notify.deliverWebhook(reviewStarted)));
    } else if (patched('tell-loan-system-review-started')) {
      await notify.deliverWebhook(reviewStarted);
    }
    // Behind patched(): the SLA's timer now starts as the review begins, in the same workflow task,
    // not once reviewers are notified. The SLA counts from review entry (as dueAt says), and the
    // notification's completion no longer starts a timer: when a reviewer's update reached a
    // restarted worker in the same task as that completion, a later replay put the update first
    // and failed as nondeterministic (found by the worker-kill chaos scenario; an SDK ordering bug).
    const slaFromEntry = patched('review-sla-from-entry');
    const firstRound = slaFromEntry ? handled(condition(() => reviewDone, input.policy.reviewSla)) : undefined;
    await notify.notifyReviewers({
      workflowId,
      queue: state.review.queue,
      escalated: false,
      dueAt: state.review.dueAt,
    });
    if ((await (firstRound ?? condition(() => reviewDone, input.policy.reviewSla))) || reviewDone) return;

    state.review.escalated = true;
    state.review.queue = reviewQueue(jurisdiction, true);
    state.review.dueAt = dueIn(input.policy.reviewSla);
    setReviewer(undefined);
    record(`review escalated to ${state.review.queue}`);
    upsertSearchAttributes([{ key: SearchAttributeKeys.ReviewQueue, value: state.review.queue }]);
    indexReviewDue(state.review.dueAt);
    const secondRound = slaFromEntry ? handled(awaitOrExpire(() => reviewDone, input.policy.reviewSla)) : undefined;
    await notify.notifyReviewers({ workflowId, queue: state.review.queue, escalated: true, dueAt: state.review.dueAt });
    await (secondRound ?? awaitOrExpire(() => reviewDone, input.policy.reviewSla));
  };

  try {
    await flow.run(runApplication);
  } catch (error) {
    if (isCancellation(error) && withdrawal) {
      await consentAnchoring?.catch(() => undefined);
      enter(LoanStage.WITHDRAWN);
      await notify.deliverWebhook(event('application.withdrawn', { reason: withdrawal.reason }));
    } else if (error instanceof DeadlinePassed) {
      const expiredIn = state.stage;
      await consentAnchoring?.catch(() => undefined);
      enter(LoanStage.EXPIRED);
      await notify.deliverWebhook(event('application.expired', { stage: expiredIn }));
    } else if (error instanceof ActivityFailure) {
      await consentAnchoring?.catch(() => undefined);
      record(`failed: ${error.cause?.message ?? error.message}`);
      enter(LoanStage.FAILED);
      await notify.deliverWebhook(event('application.failed', { reason: error.cause?.message ?? error.message }));
    } else {
      throw error;
    }
    await Promise.all(background);
    return state;
  }
  await notify.deliverWebhook(event('application.decided', { decision: state.decision }));
  await Promise.all(background);
  return state;
}

function dueIn(duration: Duration): string {
  return new Date(Date.now() + msToNumber(duration)).toISOString();
}
