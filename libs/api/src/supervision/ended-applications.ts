/**
 * The applications that ended in a window, as Temporal visibility lists them: only the dimensions
 * the supervisor's view counts by, and the two times. Ids, references and amounts are dropped here,
 * before anything is counted.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { LoanStage, type EndedApplication, type FlowWindow } from '#domain';
import { ApplicationWorkflows, quoted } from '../applications/application-workflows.js';
import { unprocessableRequest } from '../problem/problem.js';

export const VISIBILITY_SOURCE =
  'Temporal visibility: each application workflow that ended in the window, by its Tenant, Direction, ' +
  'ApplicantType and LoanOutcome search attributes, its start and its close time; counts under minCellCount ' +
  'withheld, the others rounded to a multiple of it';

/** More than this in one window is refused: a shorter window answers in reasonable time. */
export const MAX_APPLICATIONS_PER_WINDOW = 10_000;
/** How long the namespace's retention, read from Temporal, is trusted before it is read again. */
const RETENTION_TTL_MS = 5 * 60_000;
const PAGE_SIZE = 1_000;

/** The time the supervisor's view counts against: a provider, so tests can move it on a day. */
@Injectable()
export class SupervisionClock {
  now(): Date {
    return new Date();
  }
}

@Injectable()
export class EndedApplications {
  private retention?: { ms: number; readAt: number };

  constructor(
    @Inject(ApplicationWorkflows) private readonly workflows: ApplicationWorkflows,
    @Inject(Client) private readonly temporal: Client,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  /** How long Temporal keeps ended applications in visibility: older periods would count short. */
  async retentionMs(): Promise<number> {
    if (this.retention && Date.now() - this.retention.readAt < RETENTION_TTL_MS) return this.retention.ms;
    const described = await this.temporal.workflowService.describeNamespace({
      namespace: this.config.temporal.namespace,
    });
    const ttl = described.config?.workflowExecutionRetentionTtl;
    const ms = Number(ttl?.seconds ?? 0) * 1000 + Math.floor((ttl?.nanos ?? 0) / 1e6);
    this.retention = { ms, readAt: Date.now() };
    return ms;
  }

  /** Ended in `window`, of `tenants` (every tenant's when the list is empty). */
  async within(window: FlowWindow, tenants: readonly string[]): Promise<EndedApplication[]> {
    const clauses = [
      `ExecutionStatus != 'Running'`,
      `CloseTime >= ${quoted(window.from.toISOString())}`,
      `CloseTime < ${quoted(window.until.toISOString())}`,
      ...(tenants.length > 0 ? [`Tenant IN (${tenants.map(quoted).join(', ')})`] : []),
    ];
    if ((await this.workflows.count(clauses)) > MAX_APPLICATIONS_PER_WINDOW) {
      throw unprocessableRequest([
        {
          field: 'from',
          message: `more than ${MAX_APPLICATIONS_PER_WINDOW} applications ended in this window: ask for a shorter one`,
        },
      ]);
    }
    const ended: EndedApplication[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.workflows.list(clauses, PAGE_SIZE, pageToken);
      for (const summary of page.items) {
        if (!summary.createdAt || !summary.closedAt) continue;
        ended.push({
          startedAt: new Date(summary.createdAt),
          closedAt: new Date(summary.closedAt),
          tenant: summary.tenant,
          direction: summary.direction ?? 'unknown',
          applicantType: summary.applicantType ?? 'unknown',
          outcome: (summary.outcome as LoanStage | undefined) ?? LoanStage.FAILED,
        });
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return ended;
  }
}
