/**
 * A workflow with one activity that reads the ledger: the smallest proof that the API, Temporal,
 * the worker and the node are wired together. It stays as a deployment smoke test.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { LedgerInfo, LedgerProbeActivities } from '#domain';

const { readLedgerInfo } = proxyActivities<LedgerProbeActivities>({
  startToCloseTimeout: '10 seconds',
  // A node that is briefly down should delay the probe, not fail it; a misconfigured one should not
  // be retried for long, so the whole probe is bounded.
  scheduleToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    nonRetryableErrorTypes: ['LedgerMismatchError'],
  },
});

export async function ledgerProbeWorkflow(): Promise<LedgerInfo> {
  return await readLedgerInfo();
}
