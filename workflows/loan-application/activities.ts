/**
 * The activities the loan application workflow calls, with the retry policy each kind of work
 * needs. None is bounded overall: a ledger outage or a loan system that does not answer delays an
 * application (visibly: its stage, the activity's attempts in the Temporal UI, the worker's
 * metrics), it never decides it.
 */
import { proxyActivities } from '@temporalio/workflow';
import { FINAL_ACTIVITY_ERRORS, type LoanApplicationActivities } from '#domain';

/** Reads and writes on the ledger: verification and evidence. */
export const ledger = proxyActivities<LoanApplicationActivities>({
  // Longer than a transaction's receipt wait (LEDGER_TX_TIMEOUT_MS), so an attempt is not cut off
  // while its transaction is still pending.
  startToCloseTimeout: '2 minutes',
  // The activities heartbeat every 5 s (activities/heartbeat.ts): an attempt on a worker that died
  // is retried after this, not after the two minutes above.
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...FINAL_ACTIVITY_ERRORS],
  },
});

/** Messages to people and systems: the loan system's webhooks, the reviewers' notifications. */
export const notify = proxyActivities<LoanApplicationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
