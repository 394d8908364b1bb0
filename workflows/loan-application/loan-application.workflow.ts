/**
 * One durable workflow per loan application: consent, the applicant's report verified on the
 * ledger, manual review by authorised reviewers, and the credit decision. Every wait has a deadline
 * and ends if consent lapses; every human action is an authenticated update; every way the
 * application ends gives a terminal stage and one terminal event to the loan system. A long history
 * continues as new with the state carried over, so no application outgrows Temporal's limits.
 */
import {
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  makeContinueAsNewFunc,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applicationDocumentSet,
  applicationInputProblem,
  isTerminal,
  LoanStage,
  usesDocumentSet,
  type ApplicationInput,
  type ApplicationState,
} from '#domain';
import { registerActionHandlers } from './action-handlers.js';
import { ApplicationRecord, type CarriedApplication } from './application-record.js';
import { awaitDocuments, resumeDocumentVerifications } from './document-collection.js';
import { reviewRound } from './review-round.js';
import { anchorConsentEvidence, decide, isRoutine, verifyReport } from './verification-and-decision.js';
import {
  ConsentLapsed,
  ContinueAsNewNeeded,
  DeadlinePassed,
  fromNow,
  requireNotWithdrawn,
  waitFor,
  Withdrawn,
} from './waits.js';
import { WebhookCourier } from './webhook-courier.js';

export async function loanApplicationWorkflow(
  input: ApplicationInput,
  carried?: CarriedApplication,
): Promise<ApplicationState> {
  const record = new ApplicationRecord(input, carried);
  const flow = new CancellationScope();
  record.flow = flow;
  // Everything up to the handlers is synchronous: an update that arrives with the first workflow
  // task finds the application already in its stage, and getState always has an answer.
  if (carried) {
    record.record('continued in a new run');
    record.indexApplication();
    record.indexStage();
  } else {
    start(record);
  }
  registerActionHandlers(record, () => flow.cancel());
  const courier = new WebhookCourier(record);
  courier.start();

  if (!isTerminal(record.state.stage)) {
    try {
      await flow.run(() => proceed(record));
    } catch (error) {
      if (error instanceof ContinueAsNewNeeded) {
        // Work under way is let finish for a moment rather than abandoned (a delivery the loan
        // system is slow to answer would be sent again by the next run anyway). Handlers change
        // state synchronously, so none is ever left unfinished.
        await CancellationScope.nonCancellable(() => condition(() => record.idle() && courier.idle(), '10 seconds'));
        // A withdrawal or an operator's cancel that arrived meanwhile still ends the application:
        // the flow that would have acted on it has already stopped.
        if (!record.book.withdrawal && !CancellationScope.current().consideredCancelled) {
          const info = workflowInfo();
          const continueAsNew = makeContinueAsNewFunc<typeof loanApplicationWorkflow>({
            memo: info.memo,
            typedSearchAttributes: info.typedSearchAttributes,
          });
          return await continueAsNew(input, record.carry());
        }
      }
      end(record, error instanceof ContinueAsNewNeeded ? new CancelledFailure('cancelled while continuing') : error);
    }
  }
  await CancellationScope.nonCancellable(() => record.settled());
  await courier.drained();
  return record.state;
}

function start(record: ApplicationRecord): void {
  record.record('application received');
  const problem = applicationInputProblem(record.input) ?? documentSetProblem(record);
  record.indexApplication(problem === undefined);
  if (problem) {
    // Input no policy can process fails at once, before anything is anchored or anyone waits.
    record.enter(LoanStage.FAILED, problem);
    record.emit('application.failed', { reason: problem });
    return;
  }
  record.state.deadlines = { consentBy: fromNow(record.input.policy.consentDeadline) };
  record.enter(LoanStage.AWAITING_CONSENT);
}

/**
 * A document-set application's documents, required by its product, applicant type and direction,
 * with monthly documents counted back from the workflow's start (the same on every replay and run).
 */
function documentSetProblem(record: ApplicationRecord): string | undefined {
  if (!usesDocumentSet(record.input)) return undefined;
  const created = applicationDocumentSet(record.input, workflowInfo().startTime.toISOString());
  if (!created.ok) return `${created.problem.field}: ${created.problem.message}`;
  record.state.documents = created.set;
  return undefined;
}

/** Moves the application on from whatever stage it is in (a continued run resumes mid-way). */
async function proceed(record: ApplicationRecord): Promise<void> {
  const { state, input } = record;
  requireNotWithdrawn(record);
  if (state.stage === LoanStage.AWAITING_CONSENT) {
    await waitFor(
      record,
      () => state.consent !== undefined || state.documentConsent !== undefined,
      state.deadlines!.consentBy!,
    );
    state.deadlines = { reportBy: fromNow(input.policy.reportDeadline) };
    record.enter(LoanStage.AWAITING_REPORT);
  }
  // The report is welcome as soon as consent is given; the consent evidence is anchored meanwhile.
  const consentEvidence = anchorConsentEvidence(record);
  if (state.documents) await collectAndReview(record, consentEvidence);
  else await verifyAndReview(record, consentEvidence);
  // A withdrawal accepted together with the last review decision still wins: nothing is decided.
  requireNotWithdrawn(record);
  await decide(record);
}

/** One report (credit-policy-v1): verified once submitted, reviewed; a new report per request. */
async function verifyAndReview(record: ApplicationRecord, consentEvidence: Promise<void>): Promise<void> {
  const { state, input } = record;
  for (;;) {
    if (state.stage === LoanStage.AWAITING_REPORT) {
      await waitFor(record, () => state.report !== undefined, state.deadlines!.reportBy!);
      // The anchoring is not cancellable (evidence of consent stays worth keeping), so waiting for
      // it must still give way at once to a withdrawal or an operator's cancel.
      await Promise.race([consentEvidence, CancellationScope.current().cancelRequested]);
      await verifyReport(record);
      if (isRoutine(record)) break;
    }
    const outcome = await reviewRound(record);
    if (outcome.kind !== 'request-new-report') break;
    state.report = undefined;
    state.verification = undefined;
    state.deadlines = { reportBy: fromNow(input.policy.reportDeadline) };
    record.enter(LoanStage.AWAITING_REPORT);
    record.emit('application.report-requested', { round: state.review!.round });
  }
}

/**
 * A document set (credit-policy-v2): documents verified as they come, review once the set is ready
 * or the deadline passes; a reviewer's request for a new version of one document sends the
 * application back to await that one document (the others stay verified), then to a new round.
 */
async function collectAndReview(record: ApplicationRecord, consentEvidence: Promise<void>): Promise<void> {
  const { state, input } = record;
  resumeDocumentVerifications(record);
  for (;;) {
    if (state.stage === LoanStage.AWAITING_REPORT) {
      await awaitDocuments(record);
      await Promise.race([consentEvidence, CancellationScope.current().cancelRequested]);
    }
    const outcome = await reviewRound(record);
    if (outcome.kind !== 'request-new-version') break;
    state.missingDocuments = undefined;
    state.deadlines = { reportBy: fromNow(input.policy.reportDeadline) };
    record.enter(LoanStage.AWAITING_REPORT);
    record.emit('application.report-requested', { round: state.review!.round, documentKey: outcome.documentKey });
  }
}

/** Every way the flow can stop short gives a terminal stage, a reason, and one terminal event. */
function end(record: ApplicationRecord, error: unknown): void {
  const stage = record.state.stage;
  const { withdrawal } = record.book;
  if ((isCancellation(error) || error instanceof Withdrawn) && withdrawal) {
    record.enter(LoanStage.WITHDRAWN, withdrawal.reason);
    record.emit('application.withdrawn', { reason: withdrawal.reason });
  } else if (isCancellation(error)) {
    record.enter(LoanStage.FAILED, 'cancelled by an operator');
    record.emit('application.failed', { reason: 'cancelled by an operator', stage });
  } else if (error instanceof DeadlinePassed) {
    record.enter(LoanStage.EXPIRED, `no action before the deadline in ${stage}`);
    record.emit('application.expired', { stage, reason: 'deadline' });
  } else if (error instanceof ConsentLapsed) {
    record.enter(LoanStage.EXPIRED, `the applicant's consent lapsed in ${stage}`);
    record.emit('application.expired', { stage, reason: 'consent-lapsed' });
  } else if (error instanceof ActivityFailure) {
    const reason = error.cause?.message ?? error.message;
    record.enter(LoanStage.FAILED, reason);
    record.emit('application.failed', { reason, stage });
  } else {
    throw error;
  }
}
