/**
 * The escalated review. Escalation waits one review SLA (48 hours by default) and the API never lets
 * a loan system pick its policy, so this one application is started straight through Temporal, as
 * the API would start it but with a review SLA of seconds. The client encrypts the input with the
 * stack's payload keys, like the API's, so the worker accepts it.
 */
import { Client, Connection } from '@temporalio/client';
import { type Duration } from '@temporalio/common';
import { lendbridgeDataConverter } from '#codec';
import { type LendbridgeConfig } from '#config';
import { applicationWorkflowId, DEFAULT_POLICY, LOAN_APPLICATION_WORKFLOW, type ApplicationInput } from '#domain';
import { requestFingerprint } from '#hashing';
import { temporalConnectionOptions } from '#temporal';
import { sleep, type DemoContext, type LoanJourney } from './loan-journey.js';
import { PARTIES, TENANT } from './parties.js';

/** Short enough to watch: the task escalates after one SLA and expires after another. */
export const DEMO_REVIEW_SLA: Duration = '20 seconds';

/** A Temporal client with the stack's payload codec, like the API's own. */
export async function connectTemporal(config: LendbridgeConfig): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(config.temporal), connectTimeout: 5_000 });
  } catch (error) {
    throw new Error(
      `cannot reach Temporal at ${config.temporal.address} (${error instanceof Error ? error.message : String(error)}): ` +
        'set TEMPORAL_PORT as for npm run dev',
      { cause: error },
    );
  }
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: lendbridgeDataConverter(config.codec),
  });
}

/** Starts the application's workflow directly: what the API's create does, with the demo's policy. */
export async function startWithShortSla(client: Client, taskQueue: string, journey: LoanJourney): Promise<void> {
  const input: ApplicationInput = {
    tenant: TENANT,
    ...journey.application,
    submittedBy: PARTIES.loanSystem.sub,
    policy: { ...DEFAULT_POLICY, reviewSla: DEMO_REVIEW_SLA },
  };
  await client.workflow.start(LOAN_APPLICATION_WORKFLOW, {
    taskQueue,
    workflowId: applicationWorkflowId(TENANT, journey.id),
    args: [input],
    // The same memo and id policy as the API, so the application is like any other.
    memo: { requestFingerprint: requestFingerprint({ tenant: TENANT, ...journey.application }) },
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    workflowIdConflictPolicy: 'FAIL',
  });
}

/** Waits until the review escalates to the senior queue, printing how long is left. */
export async function awaitEscalation(ctx: DemoContext, journey: LoanJourney): Promise<void> {
  const carol = ctx.api.carol;
  const task = await carol.getTask(TENANT, journey.id);
  if (!task.review) throw new Error(`${journey.id} is ${task.stage}, not in review`);
  const dueAt = Date.parse(task.review.dueAt);
  const interactive = process.stdout.isTTY;
  let lastPrinted = Number.POSITIVE_INFINITY;
  // The timer fires at dueAt; allow the worker a generous moment to act on it.
  const deadline = dueAt + 60_000;
  for (;;) {
    const current = await carol.getTask(TENANT, journey.id);
    if (current.review?.escalated) {
      if (interactive) process.stdout.write('\n');
      ctx.log(journey.id, 'lendbridge', `review SLA passed: escalated to ${current.review.queue} (${current.stage})`);
      return;
    }
    if (current.stage !== 'IN_REVIEW') throw new Error(`${journey.id} left review as ${current.stage}`);
    if (Date.now() > deadline)
      throw new Error(`${journey.id} did not escalate within a minute of ${task.review.dueAt}`);
    const left = Math.max(0, Math.ceil((dueAt - Date.now()) / 1000));
    if (interactive) {
      process.stdout.write(`\r  waiting for ${journey.id} to escalate to HK-senior: ${left} s left   `);
    } else if (left <= lastPrinted - 5 || (left === 0 && lastPrinted > 0)) {
      ctx.log(journey.id, 'lendbridge', `waiting for the review SLA to pass: ${left} s left`);
      lastPrinted = left;
    }
    await sleep(500);
  }
}
