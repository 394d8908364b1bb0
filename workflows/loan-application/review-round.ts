/**
 * One round of manual review: the task waits in its jurisdiction's standard queue for one SLA,
 * then in the senior queue for another, then the application expires. A continued run resumes the
 * round where it was (queue, claim, approvals and due time are all in the state).
 */
import { CancellationScope } from '@temporalio/workflow';
import { LoanStage, reviewQueue, type ReviewOutcome } from '#domain';
import { notify } from './activities.js';
import { type ApplicationRecord } from './application-record.js';
import { DeadlinePassed, fromNow, waitFor } from './waits.js';

/** Runs (or resumes) the current round; resolves with the outcome that completed it. */
export async function reviewRound(record: ApplicationRecord): Promise<ReviewOutcome> {
  const { state, book, input } = record;
  if (state.stage !== LoanStage.IN_REVIEW) {
    book.roundOutcome = undefined;
    state.review = {
      round: (state.review?.round ?? 0) + 1,
      queue: reviewQueue(input.reviewJurisdiction, false),
      escalated: false,
      dueAt: fromNow(input.policy.reviewSla),
      approvals: [],
      decisions: [],
    };
    record.enter(LoanStage.IN_REVIEW);
    record.emit('application.in-review', {
      round: state.review.round,
      queue: state.review.queue,
      dueAt: state.review.dueAt,
      // A document-set application names what was missing when its wait for documents ended.
      ...(state.missingDocuments && {
        missing: state.missingDocuments.map((d) => ({ key: d.key, status: d.status, reason: d.reason })),
      }),
    });
    notifyReviewers(record);
  }
  const review = state.review!;
  const completed = (): boolean => book.roundOutcome !== undefined;

  if (!review.escalated) {
    try {
      await waitFor(record, completed, review.dueAt);
      return book.roundOutcome!;
    } catch (error) {
      if (!(error instanceof DeadlinePassed)) throw error;
    }
    review.escalated = true;
    review.queue = reviewQueue(input.reviewJurisdiction, true);
    review.dueAt = fromNow(input.policy.reviewSla);
    review.claimedBy = undefined;
    record.record(`review escalated to ${review.queue}`);
    record.indexStage();
    notifyReviewers(record);
  }
  // A second SLA without a decision ends the application: DeadlinePassed propagates to EXPIRED.
  await waitFor(record, completed, review.dueAt);
  return book.roundOutcome!;
}

/**
 * Tells reviewers of the new task; the round does not wait for it (their inbox lists the task
 * anyway). Not cancelled with the application: a notice sent stays sent, and the workflow ends
 * only once it has settled.
 */
function notifyReviewers(record: ApplicationRecord): void {
  const review = { ...record.state.review! };
  const notice = CancellationScope.nonCancellable(() =>
    notify.notifyReviewers({
      workflowId: record.workflowId,
      queue: review.queue,
      escalated: review.escalated,
      dueAt: review.dueAt,
    }),
  );
  void record.inBackground(notice).catch(() => undefined);
}
