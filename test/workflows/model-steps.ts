/**
 * What both model-based workflow tests need to drive the real workflow on the time-skipping server
 * step by step: the answer an update got, a clock that does not stall, a state query with a
 * deadline, and a quiet end to each sequence's application.
 */
import { appendFileSync } from 'node:fs';
import { type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { getState, type ApplicationState } from '#domain';

/** How the workflow answered an update, in the model's words. */
export type Answer = 'accepted' | 'forbidden' | 'conflict' | 'invalid' | 'duplicate';

export async function answerOf(action: Promise<unknown>): Promise<Answer> {
  try {
    await action;
    return 'accepted';
  } catch (error) {
    const type = (error as { cause?: { type?: string } }).cause?.type;
    const kinds: Record<string, Answer> = {
      UpdateForbidden: 'forbidden',
      UpdateConflict: 'conflict',
      UpdateInvalid: 'invalid',
      UpdateDuplicate: 'duplicate',
    };
    if (type && kinds[type]) return kinds[type];
    // An update to a workflow that has closed (it ended a moment ago) is a conflict too.
    if (String(error).includes('already completed') || String(error).includes('not found')) return 'conflict';
    throw error;
  }
}

/**
 * The time-skipping test server sometimes keeps a time lock for work it no longer tracks (an
 * activity task or workflow task of a run that has just closed: temporalio/sdk-java#1138), and
 * then skips no more time: a sleep of days would take days. A sleep that has made no progress for
 * ten seconds gets one compensating unlock; nothing is asserted differently.
 */
export async function sleepThroughStalls(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  const sleeping = env.sleep(ms);
  let timer: NodeJS.Timeout | undefined;
  const stalled = await Promise.race([
    sleeping.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 10_000))),
  ]);
  clearTimeout(timer);
  if (stalled) {
    traceLine('the time-skipping server stalled with a leaked time lock; unlocking it once');
    await env.connection.testService!.unlockTimeSkipping({});
    await sleeping;
  }
}

/**
 * The workflow's state, or undefined if the query is not answered in time. The time-skipping server
 * sometimes drops a query that arrives while a continued-as-new run's first task is in flight, and
 * the client, with no deadline, would wait for it for good; asking again is answered at once.
 */
export async function stateWithin(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  ms: number,
): Promise<ApplicationState | undefined> {
  try {
    return await env.connection.withDeadline(Date.now() + ms, () => handle.query(getState));
  } catch (error) {
    if (/deadline/i.test(String(error)) || /deadline/i.test(String((error as Error).cause))) {
      traceLine(`${handle.workflowId}: getState not answered within ${ms} ms; asking again`);
      return undefined;
    }
    throw error;
  }
}

/**
 * Ends a sequence's application: cancelled rather than terminated (a terminate while the worker
 * runs one of its activities leaves the test server's time lock held), waited for in real time,
 * and terminated only if it does not close.
 */
export async function closeQuietly(handle: WorkflowHandle): Promise<void> {
  await handle.cancel().catch(() => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await handle.describe().then(
      (d) => d.status.name,
      () => 'UNKNOWN',
    );
    if (status !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  traceLine(`${handle.workflowId}: did not close after cancel; terminating`);
  await handle.terminate('sequence done').catch(() => undefined);
}

/** With LENDBRIDGE_MODEL_TRACE=<file>, every step is appended there as it happens. */
export function traceLine(line: string): void {
  if (process.env.LENDBRIDGE_MODEL_TRACE) appendFileSync(process.env.LENDBRIDGE_MODEL_TRACE, `${line}\n`);
}
