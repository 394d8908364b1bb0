// A deliberately incompatible edit of the loan application workflow, for the replay test only:
// same name, but it schedules a different first activity than the recorded histories show, as a
// careless refactor would. Replaying any recorded history against it must fail.
import { condition, proxyActivities } from '@temporalio/workflow';
import type { ApplicationInput, LoanApplicationActivities } from '#domain';

const { notifyReviewers } = proxyActivities<LoanApplicationActivities>({ startToCloseTimeout: '1 minute' });

export async function loanApplicationWorkflow(input: ApplicationInput): Promise<void> {
  await notifyReviewers({ workflowId: input.applicationId, queue: 'changed', escalated: false, dueAt: '' });
  await condition(() => false, input.policy.consentDeadline);
}
