/**
 * Watches for loan applications ended from outside (an operator's terminate, a reset, a timeout)
 * and has each announced to its loan system: nothing ends silently. Runs for as long as the
 * namespace, continuing as new to keep its history short.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { type ApplicationReconcilerActivities, type EndedRun } from '../libs/domain/src/index.js';

const { findApplicationsEndedFromOutside } = proxyActivities<ApplicationReconcilerActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});
// Delivery is retried for a day; after that the run is logged as unannounced and left for ops.
const { announceEnd } = proxyActivities<ApplicationReconcilerActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

export interface ReconcilerState {
  /** Visibility is searched from here on (ISO), with an overlap so a late index entry is not missed. */
  since: string;
  /** Runs announced whose close time is still inside the overlap. */
  announced: { runId: string; closedAt: string }[];
  everyMs: number;
}

const OVERLAP_MS = 10 * 60_000;

export async function applicationReconcilerWorkflow(
  state: ReconcilerState = { since: new Date(0).toISOString(), announced: [], everyMs: 60_000 },
): Promise<void> {
  for (;;) {
    const found = await findApplicationsEndedFromOutside({ since: state.since });
    const fresh = found.filter((run) => !state.announced.some((done) => done.runId === run.runId));
    // Each on its own: one loan system that does not answer holds up no other.
    await Promise.allSettled(fresh.map((run: EndedRun) => announceEnd(run)));
    const latest = Math.max(Date.parse(state.since), ...found.map((run) => Date.parse(run.closedAt)));
    state.since = new Date(Math.max(0, latest - OVERLAP_MS)).toISOString();
    state.announced = [...state.announced, ...fresh.map(({ runId, closedAt }) => ({ runId, closedAt }))].filter(
      (run) => Date.parse(run.closedAt) >= Date.parse(state.since),
    );
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000) {
      await continueAsNew<typeof applicationReconcilerWorkflow>(state);
    }
    await sleep(state.everyMs);
  }
}
