/**
 * What the worker says when an activity attempt fails and will be retried: a counter per activity
 * and reason on the worker's metrics endpoint, and a log line. An application waiting on a ledger
 * outage or on something an operator must fix (gas funds, a signer's authorisation, settings) is
 * never failed for it (see libs/domain/src/activity-errors.ts): these are what ops alert on.
 */
import { Logger } from '@nestjs/common';
import { Context } from '@temporalio/activity';

const logger = new Logger('ActivityAttempts');

/** Why an attempt failed, as ops group the alerts. */
export type AttemptFailure = 'ledger-unavailable' | 'operator-action-required' | 'webhook-refused' | 'other';

/** The reason for an error, by its class name (the names are the ledger library's error classes). */
export function attemptFailureOf(error: unknown): AttemptFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'LedgerUnavailableError' || name === 'LedgerNotConfirmedError') return 'ledger-unavailable';
  if (
    ['LedgerOperatorActionError', 'LedgerMismatchError', 'LedgerSignerMissingError', 'ConfigurationError'].includes(
      name,
    )
  ) {
    return 'operator-action-required';
  }
  if (name === 'WebhookRefusedError') return 'webhook-refused';
  return 'other';
}

/** Runs one attempt; on failure counts it, logs it, and rethrows for Temporal to retry (or not). */
export async function countingFailures<T>(activity: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    const reason = attemptFailureOf(error);
    let attemptNumber = 0;
    try {
      const context = Context.current();
      attemptNumber = context.info.attempt;
      context.metricMeter
        .createCounter('lendbridge_activity_attempt_failures', 'attempts', 'activity attempts that failed, by reason')
        .add(1, { activity, reason });
    } catch {
      // not inside an activity (a unit test calling the method directly)
    }
    const message = `${activity} attempt ${attemptNumber} failed (${reason}): ${error instanceof Error ? error.message : String(error)}`;
    if (reason === 'operator-action-required') logger.error(`operator action required: ${message}`);
    else logger.warn(message);
    throw error;
  }
}
