/**
 * The reconciler's activities (see workflows/application-reconciler.workflow.ts): they read
 * Temporal's visibility and a closed run's last state, and deliver the events it could not.
 */
import { Logger } from '@nestjs/common';
import { type Client } from '@temporalio/client';
import {
  getState,
  isTerminal,
  LOAN_APPLICATION_WORKFLOW,
  undeliveredEvents,
  type ApplicationReconcilerActivities,
  type EndedRun,
  type WebhookEvent,
} from '#domain';
import { countingFailures } from './attempt-failures.js';
import { type WebhookDelivery } from './webhook-sender.js';

const REASONS: Record<string, string> = {
  TERMINATED: 'terminated by an operator',
  TIMED_OUT: 'timed out',
  FAILED: 'failed',
  CANCELLED: 'cancelled by an operator',
};
const STATUS_NAMES: Record<number, string> = { 3: 'FAILED', 4: 'CANCELLED', 5: 'TERMINATED', 7: 'TIMED_OUT' };
const PAGE = 200;

export class ApplicationReconcilerActivitiesService implements ApplicationReconcilerActivities {
  private readonly logger = new Logger('ApplicationReconciler');

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly webhooks: WebhookDelivery,
  ) {}

  async findApplicationsEndedFromOutside({ since }: { since: string }): Promise<EndedRun[]> {
    const query = [
      `WorkflowType = '${LOAN_APPLICATION_WORKFLOW}'`,
      `ExecutionStatus IN ('Terminated', 'TimedOut', 'Failed', 'Canceled')`,
      `CloseTime >= '${new Date(since).toISOString()}'`,
    ].join(' AND ');
    const runs: EndedRun[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await this.client.workflowService.listWorkflowExecutions({
        namespace: this.namespace,
        query,
        pageSize: PAGE,
        nextPageToken,
      });
      for (const execution of page.executions ?? []) {
        const status = STATUS_NAMES[Number(execution.status)];
        const { workflowId, runId } = execution.execution ?? {};
        if (!status || !workflowId || !runId || !execution.closeTime?.seconds) continue;
        const closedAt = new Date(
          Number(execution.closeTime.seconds) * 1000 + Math.floor((execution.closeTime.nanos ?? 0) / 1e6),
        );
        runs.push({ workflowId, runId, status, closedAt: closedAt.toISOString() });
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return runs;
  }

  async announceEnd(run: EndedRun): Promise<{ delivered: number }> {
    return await countingFailures('announceEnd', () => this.announce(run));
  }

  private async announce(run: EndedRun): Promise<{ delivered: number }> {
    // A reset ends a run and goes on in a new one: that application has not ended.
    const latest = await this.client.workflow.getHandle(run.workflowId).describe();
    if (latest.runId !== run.runId) return { delivered: 0 };
    const handle = this.client.workflow.getHandle(run.workflowId, run.runId);
    // Queries on a closed run replay its history on a worker: its last state, exactly.
    const [state, outbox] = await Promise.all([handle.query(getState), handle.query(undeliveredEvents)]);
    const events: WebhookEvent[] = [...outbox.events];
    if (!isTerminal(state.stage)) {
      const sequence = outbox.created + 1;
      const reason = REASONS[run.status] ?? 'ended';
      events.push({
        eventId: `${run.workflowId}/${sequence}-${Date.parse(run.closedAt)}`,
        sequence,
        type: 'application.failed',
        workflowId: run.workflowId,
        tenant: state.input.tenant,
        applicationId: state.input.applicationId,
        occurredAt: run.closedAt,
        data: { reason, stage: state.stage },
      });
    }
    for (const event of events) await this.webhooks.deliver(event);
    if (events.length > 0)
      this.logger.log(`${run.workflowId} ended from outside (${run.status}): ${events.length} event(s) delivered`);
    return { delivered: events.length };
  }
}
