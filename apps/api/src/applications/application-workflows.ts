/**
 * The API's one door to Temporal for loan applications: start (idempotent), query, update, list
 * through visibility, and read history. Controllers decide who may ask; this decides how.
 */
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { defaultPayloadConverter, type UpdateDefinition } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '../../../../libs/config/src/index.js';
import {
  applicationWorkflowId,
  getState,
  LOAN_APPLICATION_WORKFLOW,
  receivedState,
  SearchAttributeKeys,
  type ApplicationInput,
  type ApplicationState,
} from '../../../../libs/domain/src/index.js';
import { requestFingerprint } from '../../../../libs/hashing/src/index.js';
import { MetricsService } from '../observability/metrics.service.js';
import { ProblemException, temporalUnavailable } from '../problem/problem.js';
import { PageTokens } from './page-tokens.js';

type Update<A> = UpdateDefinition<ApplicationState, [A], string>;

/** One row of a visibility listing: what the search attributes say, no query to the worker. */
export interface ApplicationSummary {
  workflowId: string;
  tenant: string;
  applicationId: string;
  stage?: string;
  outcome?: string;
  queue?: string;
  assignedReviewer?: string;
  jurisdiction?: string;
  loanSystemReference?: string;
  reviewDueAt?: string;
  requestedAmountMinor?: number;
  createdAt?: string;
  closedAt?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

@Injectable()
export class ApplicationWorkflows {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {
    this.pageTokens = new PageTokens(config.codec.keys[config.codec.activeKeyId]!);
  }

  private readonly pageTokens: PageTokens;
  private readonly logger = new Logger('ApplicationWorkflows');

  /**
   * Starts the application's workflow, or finds the one this same request started before, and
   * answers with the application as received. The request's fingerprint and the received input
   * ride in the memo (encrypted like every payload), so a retry with the same body is recognised,
   * answered with the same resource, and a different body under the same id is refused.
   *
   * Nothing here waits for a worker: once Temporal has recorded the start the application cannot
   * be lost, so a loan system gets its receipt even while every worker is down (it reads the
   * stage the workflow moved on to with GET, or learns it from the webhooks).
   */
  async start(input: ApplicationInput, request: object): Promise<{ created: boolean; state: ApplicationState }> {
    const workflowId = applicationWorkflowId(input.tenant, input.applicationId);
    const fingerprint = requestFingerprint({ tenant: input.tenant, ...request });
    try {
      await this.temporal.workflow.start(LOAN_APPLICATION_WORKFLOW, {
        taskQueue: this.config.temporal.taskQueue,
        workflowId,
        args: [input],
        memo: { requestFingerprint: fingerprint, receivedAs: receivedState(workflowId, input).input },
        // An id names one application forever (while its history is retained): never a second run.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        this.metrics.recordWorkflowStart('failed');
        throw error;
      }
      const described = await this.temporal.workflow.getHandle(workflowId).describe();
      if (described.memo?.requestFingerprint !== fingerprint) {
        this.metrics.recordWorkflowStart('conflict');
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'conflict',
          'The application id is taken',
          `application ${input.applicationId} exists with a different body; use a new id for a new application`,
        );
      }
      const receivedAs = described.memo?.receivedAs as ApplicationState['input'] | undefined;
      this.metrics.recordWorkflowStart('existing');
      // Applications started before the memo held their input: their current state instead.
      const state = receivedAs ? receivedState(workflowId, receivedAs) : await this.state(workflowId);
      return { created: false, state };
    }
    this.metrics.recordWorkflowStart('started');
    return { created: true, state: receivedState(workflowId, input) };
  }

  /**
   * Calls that need a worker to answer (queries, updates) wait at most API_TEMPORAL_TIMEOUT_MS: with
   * no worker polling they would otherwise hold the request open indefinitely. A call that fails
   * once the deadline has passed is answered 503 whatever form the failure took (DEADLINE_EXCEEDED,
   * CANCELLED, a retry cut short by the deadline): only the workflow's own answers pass through.
   */
  private async bounded<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.config.api.temporalTimeoutMs;
    try {
      return await this.temporal.connection.withDeadline(deadline, call);
    } catch (error) {
      const workflowAnswered = error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError;
      if (workflowAnswered || Date.now() < deadline) throw error;
      this.logger.warn(`no answer from Temporal within ${this.config.api.temporalTimeoutMs} ms: ${describe(error)}`);
      throw temporalUnavailable();
    }
  }

  async state(workflowId: string): Promise<ApplicationState> {
    return await this.bounded(() => this.temporal.workflow.getHandle(workflowId).query(getState));
  }

  /** Runs an update and returns the state it left; a refusal surfaces as WorkflowUpdateFailedError. */
  async update<A>(workflowId: string, update: Update<A>, arg: A): Promise<ApplicationState> {
    try {
      const state = await this.bounded(() =>
        this.temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [arg] }),
      );
      this.metrics.recordUpdate(update.name, 'accepted');
      return state;
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) this.metrics.recordUpdate(update.name, 'rejected');
      else if (error instanceof WorkflowNotFoundError) {
        this.metrics.recordUpdate(update.name, 'not-found');
        await this.refuseClosed(workflowId);
      } else this.metrics.recordUpdate(update.name, 'failed');
      throw error;
    }
  }

  /** An update to a finished application reaches no workflow: say it is closed, not missing. */
  private async refuseClosed(workflowId: string): Promise<void> {
    let stage: unknown;
    try {
      const described = await this.temporal.workflow.getHandle(workflowId).describe();
      stage = described.searchAttributes?.LoanStage?.[0] ?? described.status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
    throw new ProblemException(
      HttpStatus.CONFLICT,
      'conflict',
      'Not possible in the current state',
      `the application is closed (${String(stage)})`,
    );
  }

  async history(workflowId: string): Promise<temporal.api.history.v1.IHistory> {
    return await this.temporal.workflow.getHandle(workflowId).fetchHistory();
  }

  /** One page of a visibility query over loan applications; `clauses` are already-escaped conditions. */
  async list(clauses: string[], pageSize: number, pageToken?: string): Promise<Page<ApplicationSummary>> {
    const query = applicationsQuery(clauses);
    const response = await this.temporal.workflowService.listWorkflowExecutions({
      namespace: this.config.temporal.namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? this.pageTokens.open(pageToken, query) : undefined,
    });
    const token = response.nextPageToken?.length ? this.pageTokens.seal(response.nextPageToken, query) : undefined;
    return { items: (response.executions ?? []).map(summaryOf), ...(token && { nextPageToken: token }) };
  }

  /** How many loan applications a visibility query matches: one COUNT, no rows read. */
  async count(clauses: string[]): Promise<number> {
    const response = await this.temporal.workflowService.countWorkflowExecutions({
      namespace: this.config.temporal.namespace,
      query: applicationsQuery(clauses),
    });
    const count = response.count ?? 0;
    return typeof count === 'number' ? count : count.toNumber();
  }

  /**
   * Whether an application is in review, and in which jurisdiction, read from its search
   * attributes through DescribeWorkflowExecution: the server answers from the workflow's record,
   * so a reviewer's action on an open task costs no round trip through a worker before the update.
   * Undefined when the attributes cannot tell (an application older than them): ask its state.
   */
  async reviewStanding(workflowId: string): Promise<{ jurisdiction: string; inReview: boolean } | undefined> {
    const attributes = (await this.temporal.workflow.getHandle(workflowId).describe()).typedSearchAttributes;
    const jurisdiction = attributes.get(SearchAttributeKeys.Jurisdiction);
    if (jurisdiction === undefined) return undefined;
    // ReviewQueue is set while the application is in review, and cleared in every other stage.
    return { jurisdiction, inReview: attributes.get(SearchAttributeKeys.ReviewQueue) !== undefined };
  }

  temporalUiUrl(workflowId: string): string {
    const { uiUrl, namespace } = this.config.temporal;
    return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }
}

/** An error's class and message for a log line (never a payload: Temporal errors carry none). */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Loan applications matching every clause (each already escaped). */
function applicationsQuery(clauses: string[]): string {
  return [`WorkflowType = '${LOAN_APPLICATION_WORKFLOW}'`, ...clauses].join(' AND ');
}

/** Quotes a value for a visibility query; callers pass validated values, this is the second fence. */
export function quoted(value: string): string {
  if (!/^[A-Za-z0-9_.:\-+ ]*$/.test(value)) throw new Error(`refusing to quote ${JSON.stringify(value)}`);
  return `'${value}'`;
}

function summaryOf(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo): ApplicationSummary {
  const workflowId = execution.execution?.workflowId ?? '';
  const [, tenant = '', applicationId = ''] = workflowId.split('/');
  const fields = execution.searchAttributes?.indexedFields ?? {};
  const read = (name: string): unknown => {
    const payload = fields[name];
    if (!payload) return undefined;
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return Array.isArray(value) ? value[0] : value;
  };
  const text = (name: string): string | undefined => {
    const value = read(name);
    return typeof value === 'string' ? value : undefined;
  };
  const amount = read('RequestedAmountMinor');
  return {
    workflowId,
    tenant,
    applicationId,
    stage: text('LoanStage'),
    outcome: text('LoanOutcome'),
    queue: text('ReviewQueue'),
    assignedReviewer: text('AssignedReviewer'),
    jurisdiction: text('Jurisdiction'),
    loanSystemReference: text('LoanSystemReference'),
    reviewDueAt: text('ReviewDueAt'),
    requestedAmountMinor: typeof amount === 'number' ? amount : undefined,
    createdAt: timestampIso(execution.startTime),
    closedAt: timestampIso(execution.closeTime),
  };
}

function timestampIso(ts: temporal.api.workflow.v1.IWorkflowExecutionInfo['startTime']): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}
