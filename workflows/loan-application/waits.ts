/**
 * How the application waits for people: until what it waits for happens, its deadline passes, the
 * applicant's consent lapses (no processing without a valid consent), or the run's history is long
 * enough to continue as new. Deadlines are absolute times kept in the state, so a continued run
 * waits for exactly the time that was left.
 */
import { condition, workflowInfo } from '@temporalio/workflow';
import { consentValidUntilMs, durationMs, type ApplicationInput } from '#domain';
import { type ApplicationRecord } from './application-record.js';

/** A wait's deadline passed: the application ends EXPIRED. */
export class DeadlinePassed extends Error {}

/** The applicant's consent is no longer valid: the application ends EXPIRED, nothing more is processed. */
export class ConsentLapsed extends Error {}

/** The loan system withdrew the application (or the applicant revoked consent): it ends WITHDRAWN. */
export class Withdrawn extends Error {}

/** Throws Withdrawn if a withdrawal was accepted: checked before anything is decided. */
export function requireNotWithdrawn(record: ApplicationRecord): void {
  if (record.book.withdrawal) throw new Withdrawn();
}

/** The run's history is long enough: the workflow continues as new with its state. */
export class ContinueAsNewNeeded extends Error {}

const DEFAULT_EVENTS_PER_RUN = 2000;
/** A run that just continued has a few events of its own; below this it never continues again. */
const MIN_EVENTS_PER_RUN = 50;

export function shouldContinueAsNew(input: ApplicationInput): boolean {
  const info = workflowInfo();
  const limit = Math.max(input.eventsPerRun ?? DEFAULT_EVENTS_PER_RUN, MIN_EVENTS_PER_RUN);
  return info.continueAsNewSuggested || info.historyLength >= limit;
}

/** The ISO time `duration` from now (workflow time). */
export function fromNow(duration: ApplicationInput['policy']['reviewSla']): string {
  return new Date(Date.now() + durationMs(duration)!).toISOString();
}

/** Throws ConsentLapsed unless the consent given is valid now. */
export function requireValidConsent(record: ApplicationRecord): void {
  const until = consentValidUntilMs(record.state);
  if (until !== undefined && until <= Date.now()) throw new ConsentLapsed();
}

/**
 * Waits until `done()` or until `deadline` (ISO). An update accepted in the same workflow task as
 * the deadline fires still counts.
 */
export async function waitFor(record: ApplicationRecord, done: () => boolean, deadline: string): Promise<void> {
  for (;;) {
    requireValidConsent(record);
    if (done()) return;
    const consentUntil = consentValidUntilMs(record.state) ?? Infinity;
    const until = Math.min(Date.parse(deadline), consentUntil);
    const left = until - Date.now();
    if (left <= 0) throw consentUntil <= Date.parse(deadline) ? new ConsentLapsed() : new DeadlinePassed();
    await condition(() => done() || shouldContinueAsNew(record.input), left);
    if (done()) return;
    if (shouldContinueAsNew(record.input)) throw new ContinueAsNewNeeded();
  }
}
