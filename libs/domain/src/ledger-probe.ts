/**
 * The first end-to-end proof of the stack: a workflow whose activity reads the ledger it is
 * configured for. It stays useful as a smoke test of a deployment (API → Temporal → worker → node).
 */
export const LEDGER_PROBE_WORKFLOW = 'ledgerProbeWorkflow';

/** What the worker saw on the ledger; strings where JSON would lose precision (chain ids are uint256). */
export interface LedgerInfo {
  chainId: string;
  blockNumber: number;
  registryAddress: string;
  registryVersion: string;
}

/** Activities the probe workflow calls; implemented by the worker. */
export interface LedgerProbeActivities {
  readLedgerInfo(): Promise<LedgerInfo>;
}
