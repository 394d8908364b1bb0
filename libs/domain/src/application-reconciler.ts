/**
 * The reconciler: Temporal lets an operator end a workflow from outside (terminate, reset, a
 * timeout), and such a run runs none of its own code to say so. One reconciler workflow per
 * namespace finds these runs and tells each loan system, as the application would have: its
 * events not yet delivered, in order, then one terminal event.
 */
import { defineQuery } from '@temporalio/workflow';
import { type WebhookEvent } from './application-activities.js';

export const APPLICATION_RECONCILER_WORKFLOW = 'applicationReconcilerWorkflow';
/** Its one workflow id: every worker starts it, the first start wins. */
export const APPLICATION_RECONCILER_ID = 'lendbridge/application-reconciler';

/** An application's events not yet acknowledged by the loan system, and how many it created. */
export const undeliveredEvents = defineQuery<{ events: WebhookEvent[]; created: number }>('undeliveredEvents');

export interface EndedRun {
  workflowId: string;
  runId: string;
  /** Temporal's execution status name (TERMINATED, TIMED_OUT, ...). */
  status: string;
  closedAt: string;
}

export interface ApplicationReconcilerActivities {
  /** Runs of loan applications that ended from outside since `since` and are still the latest run. */
  findApplicationsEndedFromOutside(input: { since: string }): Promise<EndedRun[]>;
  /** Delivers the run's undelivered events and, unless it had ended on its own, one terminal event. */
  announceEnd(run: EndedRun): Promise<{ delivered: number }>;
}
