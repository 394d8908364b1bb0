/**
 * Heartbeats while an activity's work runs. The ledger activities may wait a minute for a
 * transaction, so their start-to-close timeout is two minutes; without heartbeats, an attempt
 * held by a worker that died would be retried only after those two minutes. With them, Temporal
 * notices the silence within the heartbeat timeout the workflow sets and retries elsewhere.
 */
import { Context } from '@temporalio/activity';

export const HEARTBEAT_EVERY_MS = 5_000;

export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs = HEARTBEAT_EVERY_MS): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return await work(); // not inside an activity (a unit test calling the method directly)
  }
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
