/**
 * Watches for loan applications ended from outside (an operator's terminate, a timeout) and has
 * each announced to its loan system: nothing ends silently. An announcement that fails (the loan
 * system is down) stays pending and is tried again on every pass, for as long as it takes. Runs
 * for as long as the namespace, continuing as new to keep its history short.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { type ApplicationReconcilerActivities, type EndedRun } from '#domain';

const { findApplicationsEndedFromOutside } = proxyActivities<ApplicationReconcilerActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});
// A few tries per pass; what still fails is pending, and the next pass tries again.
const { announceEnd } = proxyActivities<ApplicationReconcilerActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '3 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '30 seconds', maximumAttempts: 3 },
});

export interface ReconcilerState {
  /** Visibility is searched from here on (ISO), with an overlap so a late index entry is not missed. */
  since: string;
  /** Runs announced whose close time is still inside the overlap. */
  announced: { runId: string; closedAt: string }[];
  /** Runs found but not announced yet: tried again on every pass until they are. */
  pending?: EndedRun[];
  everyMs: number;
}

const OVERLAP_MS = 10 * 60_000;

export async function applicationReconcilerWorkflow(
  state: ReconcilerState = { since: new Date(0).toISOString(), announced: [], everyMs: 60_000 },
): Promise<void> {
  for (;;) {
    const found = await findApplicationsEndedFromOutside({ since: state.since });
    const due = new Map<string, EndedRun>();
    for (const run of [...(state.pending ?? []), ...found]) {
      if (!state.announced.some((done) => done.runId === run.runId)) due.set(run.runId, run);
    }
    // Each on its own: one loan system that does not answer holds up no other.
    const runs = [...due.values()];
    const outcomes = await Promise.allSettled(runs.map((run) => announceEnd(run)));
    state.pending = runs.filter((_, i) => outcomes[i]!.status === 'rejected');
    const done = runs.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    const latest = Math.max(Date.parse(state.since), ...found.map((run) => Date.parse(run.closedAt)));
    state.since = new Date(Math.max(0, latest - OVERLAP_MS)).toISOString();
    state.announced = [...state.announced, ...done.map(({ runId, closedAt }) => ({ runId, closedAt }))].filter(
      (run) => Date.parse(run.closedAt) >= Date.parse(state.since),
    );
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000) {
      await continueAsNew<typeof applicationReconcilerWorkflow>(state);
    }
    await sleep(state.everyMs);
  }
}
