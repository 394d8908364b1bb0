/**
 * The applications that ended in a window, as Temporal visibility lists them: only the dimensions
 * the supervisor's view counts by, and the two times. Ids, references and amounts are dropped here,
 * before anything is counted.
 */
import { Inject, Injectable } from '@nestjs/common';
import { LoanStage, type EndedApplication, type FlowWindow } from '#domain';
import { ApplicationWorkflows, quoted } from '../applications/application-workflows.js';
import { unprocessableRequest } from '../problem/problem.js';

export const VISIBILITY_SOURCE =
  'Temporal visibility: each application workflow that ended in the window, by its Tenant, Direction, ' +
  'ApplicantType and LoanOutcome search attributes, its start and its close time';

/** More than this in one window is refused: a shorter window answers in reasonable time. */
export const MAX_APPLICATIONS_PER_WINDOW = 50_000;
const PAGE_SIZE = 1_000;

@Injectable()
export class EndedApplications {
  constructor(@Inject(ApplicationWorkflows) private readonly workflows: ApplicationWorkflows) {}

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
