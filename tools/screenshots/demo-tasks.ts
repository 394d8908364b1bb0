/**
 * Which of the demo's applications to photograph, asked of the API as the demo's parties would:
 * the loan system lists what is in review, bob reads each task. The newest run wins, so running
 * the demo again before the screenshots shows its fresh set.
 */
import { type Money } from '#domain';
import { type LendbridgeApi, type ReviewTask } from '../demo/lendbridge-api.js';
import { TENANT } from '../demo/parties.js';

/** What bob's task view holds beyond the demo's ReviewTask: the limit the applicant asked for. */
export type DemoTask = ReviewTask & { requestedLimit: Money };

export interface DemoTasks {
  /** Four eyes half done: one approval (not bob's) of two, nobody holding it, so bob may claim it. */
  fourEyes: DemoTask;
  /** Held by bob with a verified report: his approval can be confirmed without claiming anything. */
  heldByBob: DemoTask;
}

const DEMO_ID = /^DEMO-\d{8}-\d{6}-\d{2}$/;

export async function findDemoTasks(loanSystem: LendbridgeApi, bob: LendbridgeApi): Promise<DemoTasks> {
  const { items } = await loanSystem.listApplications({ stage: 'IN_REVIEW', pageSize: 200 });
  const ids = items
    .map((item) => item.applicationId)
    .filter((id) => DEMO_ID.test(id))
    .sort()
    .reverse();
  let fourEyes: DemoTask | undefined;
  let heldByBob: DemoTask | undefined;
  for (const id of ids) {
    if (fourEyes && heldByBob) break;
    const task = (await bob.getTask(TENANT, id)) as DemoTask;
    const review = task.review;
    if (!review || review.escalated || task.verification?.verdict !== 'VERIFIED') continue;
    const approvals = review.decisions.filter((decision) => decision.outcome.kind === 'approve');
    if (
      !fourEyes &&
      review.approvalsRequired === 2 &&
      approvals.length === 1 &&
      approvals[0]?.reviewer !== 'bob' &&
      !review.claimedBy
    ) {
      fourEyes = task;
    }
    if (!heldByBob && review.claimedBy === 'bob' && approvals.length === 0) heldByBob = task;
  }
  if (!fourEyes || !heldByBob) {
    const missing = [
      ...(fourEyes ? [] : ['a four-eyes task with 1 of 2 approvals']),
      ...(heldByBob ? [] : ['a task claimed by bob']),
    ];
    throw new Error(
      `found no ${missing.join(' and no ')} among the demo's applications in review: ` +
        'run npm run demo first, with the same LENDBRIDGE_DATA_DIR and ports',
    );
  }
  return { fourEyes, heldByBob };
}
