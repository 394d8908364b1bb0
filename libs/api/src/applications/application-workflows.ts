/**
 * The API's one door to Temporal for loan applications: start (idempotent), query, update, list
 * through visibility, and read history. Controllers decide who may ask; this decides how.
 */
import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { ConfigurationError, LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import {
  applicationWorkflowId,
  getState,
  isApplicantType,
  isDirection,
  isTerminal,
  LOAN_APPLICATION_WORKFLOW,
  LoanStage,
  receivedState,
  REFUSAL_FAILURE_TYPES,
  SearchAttributeKeys,
  type ActionRequest,
  type ApplicantType,
  type ActionSigningKey,
  type Direction,
  type ApplicationInput,
  type ApplicationState,
} from '#domain';
import { requestFingerprint } from '#hashing';
import { sendAction, type ActionUpdate } from '#temporal';
import { MetricsService } from '../observability/metrics.service.js';
import { ProblemException, temporalUnavailable } from '../problem/problem.js';
import { PageTokens } from './page-tokens.js';

/** What a caller sent as `Idempotency-Key`, with the request it keyed (any JSON value). */
export interface IdempotentRequest {
  key: string;
  request: unknown;
}

/** Execution statuses of an application that ended outside the workflow's own code. */
const ENDED_FROM_OUTSIDE: Record<string, string> = {
  TERMINATED: 'terminated by an operator',
  TIMED_OUT: 'timed out',
  FAILED: 'failed',
  CANCELLED: 'cancelled by an operator',
};

/** One row of a visibility listing: what the search attributes say, no query to the worker. */
export interface ApplicationSummary {
  workflowId: string;
  runId: string;
  /** Temporal's execution status (RUNNING, COMPLETED, TERMINATED, ...). */
  executionStatus: string;
  tenant: string;
  applicationId: string;
  applicantType?: ApplicantType;
  direction?: Direction;
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
    if (!config.actions.signingKey) {
      // Without it no action could reach an application: fail at start, not at the first request.
      throw new ConfigurationError(['ACTION_SIGNING_KEY: required by the API to sign the actions it sends']);
    }
    this.signingKey = config.actions.signingKey;
  }

  private readonly pageTokens: PageTokens;
  private readonly signingKey: ActionSigningKey;
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
  async start(
    input: ApplicationInput,
    request: object,
    idempotencyKey?: string,
  ): Promise<{ created: boolean; state: ApplicationState }> {
    const workflowId = applicationWorkflowId(input.tenant, input.applicationId);
    const fingerprint = requestFingerprint({ tenant: input.tenant, ...request });
    const keyHash = idempotencyKey === undefined ? undefined : scopedKey(input.tenant, idempotencyKey);
    try {
      await this.temporal.workflow.start(LOAN_APPLICATION_WORKFLOW, {
        taskQueue: this.config.temporal.taskQueue,
        workflowId,
        args: [input],
        memo: {
          requestFingerprint: fingerprint,
          receivedAs: receivedState(workflowId, input).input,
          ...(keyHash && { idempotencyKey: keyHash }),
        },
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
        if (keyHash && described.memo?.idempotencyKey === keyHash) {
          throw new ProblemException(
            HttpStatus.UNPROCESSABLE_ENTITY,
            'unprocessable',
            'Idempotency-Key reused',
            'this Idempotency-Key was used before with another request body',
          );
        }
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'conflict',
          'The application id is taken',
          `application ${input.applicationId} exists with a different body; use a new id for a new application`,
        );
      }
      this.metrics.recordWorkflowStart('existing');
      const receivedAs = described.memo.receivedAs as ApplicationState['input'] | undefined;
      // Started by another client (a tool, the demo) without the received input: its current state.
      const state = receivedAs ? receivedState(workflowId, receivedAs) : await this.state(workflowId);
      return { created: false, state };
    }
    this.metrics.recordWorkflowStart('started');
    return { created: true, state: receivedState(workflowId, input) };
  }

  /**
   * The application the very same request created before, if any: a create the deployment now
   * refuses (its configuration changed since) is still answered with the application it made, so
   * a loan system retrying never takes a running application for one that was never created.
   */
  async createdBefore(tenant: string, applicationId: string, request: object): Promise<ApplicationState | undefined> {
    const workflowId = applicationWorkflowId(tenant, applicationId);
    let described;
    try {
      described = await this.temporal.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
    if (described.memo?.requestFingerprint !== requestFingerprint({ tenant, ...request })) return undefined;
    const receivedAs = described.memo.receivedAs as ApplicationState['input'] | undefined;
    return receivedAs ? receivedState(workflowId, receivedAs) : await this.state(workflowId);
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

  /**
   * The application's state. An application that ended outside its own code (an operator
   * terminated it, or a reset replaced the run) still answers: its last state, shown as FAILED
   * with the reason, as the list, the inbox and the terminal event say.
   */
  async state(workflowId: string): Promise<ApplicationState> {
    const handle = this.temporal.workflow.getHandle(workflowId);
    const [state, described] = await this.bounded(() => Promise.all([handle.query(getState), handle.describe()]));
    return endedFromOutside(state, described);
  }

  /**
   * Signs an action for this application (only the API holds the key) and runs it; resolves with
   * the application once the action took effect (see afterAction). A refusal surfaces as
   * WorkflowUpdateFailedError. With an Idempotency-Key the update id derives from the key and the
   * request, so a retry lands once; like any answer, it shows the application as it is then.
   */
  async act<A extends ActionRequest>(
    workflowId: string,
    update: ActionUpdate<A>,
    request: Omit<A, 'assertion' | 'idempotency'>,
    idempotent?: IdempotentRequest,
  ): Promise<ApplicationState> {
    const handle = this.temporal.workflow.getHandle(workflowId);
    let updateId: string | undefined;
    let content = request as Omit<A, 'assertion'>;
    if (idempotent) {
      const key = scopedKey(request.actor.subject, idempotent.key);
      const fingerprint = requestFingerprint({ update: update.name, request: idempotent.request });
      updateId = `idem-${key.slice(0, 32)}-${fingerprint.slice(0, 32)}`;
      content = { ...request, idempotency: { key, fingerprint } } as Omit<A, 'assertion'>;
    }
    try {
      const state = await this.bounded(() =>
        sendAction(handle, update, content, this.signingKey, updateId ? { updateId } : {}),
      );
      this.metrics.recordUpdate(update.name, 'accepted');
      return await this.afterAction(workflowId, state);
    } catch (error) {
      if (isRefusal(error, REFUSAL_FAILURE_TYPES.duplicate)) {
        this.metrics.recordUpdate(update.name, 'accepted');
        return await this.state(workflowId);
      }
      if (error instanceof WorkflowUpdateFailedError) this.metrics.recordUpdate(update.name, 'rejected');
      else if (error instanceof WorkflowNotFoundError) {
        this.metrics.recordUpdate(update.name, 'not-found');
        await this.refuseClosed(workflowId);
      } else this.metrics.recordUpdate(update.name, 'failed');
      throw error;
    }
  }

  /**
   * The update's own answer is the state the moment its handler ran, before the workflow acted on
   * it in the same workflow task (a decision still IN_REVIEW, a consent still AWAITING_CONSENT).
   * That task has completed once the update answers, so a query now shows where the action took
   * the application (DECIDING, AWAITING_REPORT, WITHDRAWN); what activities do next (the ledger,
   * then APPROVED) follows on GET and in the webhooks. Should the query fail, the update's answer
   * is still true, only earlier: it is answered rather than turning an applied action into an error.
   */
  private async afterAction(workflowId: string, answered: ApplicationState): Promise<ApplicationState> {
    try {
      return await this.state(workflowId);
    } catch {
      return answered;
    }
  }

  /** An update to a finished application reaches no workflow: say it is closed, not missing. */
  private async refuseClosed(workflowId: string): Promise<void> {
    let stage: unknown;
    try {
      const described = await this.temporal.workflow.getHandle(workflowId).describe();
      const ended = ENDED_FROM_OUTSIDE[described.status.name];
      stage = ended
        ? LoanStage.FAILED
        : (described.typedSearchAttributes.get(SearchAttributeKeys.LoanStage) ?? described.status.name);
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

  /**
   * The histories of the application's runs, oldest first: the latest run and each it continued
   * from (a run that continued as new, or the run a reset copied its start from), at most
   * `maxRuns` of them.
   */
  async lineage(
    workflowId: string,
    maxRuns = 100,
  ): Promise<{ runId: string; history: temporal.api.history.v1.IHistory }[]> {
    const runs: { runId: string; history: temporal.api.history.v1.IHistory }[] = [];
    let runId: string | undefined = (await this.temporal.workflow.getHandle(workflowId).describe()).runId;
    while (runId && runs.length < maxRuns) {
      const history: temporal.api.history.v1.IHistory = await this.temporal.workflow
        .getHandle(workflowId, runId)
        .fetchHistory();
      runs.unshift({ runId, history });
      const continuedFrom: string | null | undefined =
        history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      runId = continuedFrom || undefined;
    }
    return runs;
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
    const items = await this.withoutSupersededRuns((response.executions ?? []).map(summaryOf));
    return { items, ...(token && { nextPageToken: token }) };
  }

  /**
   * A reset ends the application's run (terminated, or as it had completed) and goes on in a new
   * one under the same id: visibility lists both, but only the latest run is the application. Only
   * one run of an id runs at a time, so only closed rows are looked up (one describe each).
   */
  private async withoutSupersededRuns(items: ApplicationSummary[]): Promise<ApplicationSummary[]> {
    const superseded = await Promise.all(
      items.map(async (item) => {
        if (item.executionStatus === 'RUNNING') return false;
        const latest = await this.temporal.workflow.getHandle(item.workflowId).describe();
        return latest.runId !== item.runId;
      }),
    );
    return items.filter((_, i) => !superseded[i]);
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
   * Whether an application is in review, for which tenant and jurisdiction, read from its search
   * attributes through DescribeWorkflowExecution: the server answers from the workflow's record,
   * so a reviewer's action on an open task costs no round trip through a worker before the update.
   */
  async reviewStanding(workflowId: string): Promise<{ tenant?: string; jurisdiction?: string; inReview: boolean }> {
    const described = await this.temporal.workflow.getHandle(workflowId).describe();
    const attributes = described.typedSearchAttributes;
    return {
      tenant: attributes.get(SearchAttributeKeys.Tenant),
      jurisdiction: attributes.get(SearchAttributeKeys.Jurisdiction),
      // ReviewQueue is set while the application is in review, and cleared in every other stage.
      inReview: described.status.name === 'RUNNING' && attributes.get(SearchAttributeKeys.ReviewQueue) !== undefined,
    };
  }

  temporalUiUrl(workflowId: string): string {
    const { uiUrl, namespace } = this.config.temporal;
    return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }
}

/** An Idempotency-Key as the application remembers it: hashed, and scoped to who sent it. */
function scopedKey(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\n${key}`).digest('hex');
}

function isRefusal(error: unknown, type: string): boolean {
  return (
    error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === type
  );
}

/**
 * The state an application shows once it has ended: as its workflow left it, unless the run was
 * ended from outside (terminated, reset, timed out) before reaching a terminal stage, when it is
 * FAILED with the reason. The reconciler sends the loan system the matching terminal event.
 */
export function endedFromOutside(state: ApplicationState, described: WorkflowExecutionDescription): ApplicationState {
  const reason = ENDED_FROM_OUTSIDE[described.status.name];
  if (!reason || isTerminal(state.stage)) return state;
  const at = (described.closeTime ?? new Date()).toISOString();
  return {
    ...state,
    stage: LoanStage.FAILED,
    ending: { reason, at },
    timeline: [...state.timeline, { at, stage: state.stage, event: 'entered FAILED' }],
    timelineLength: state.timelineLength + 1,
  };
}

/** An error's class and message for a log line (never a payload: Temporal errors carry none). */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Loan applications matching every clause (each already escaped). A run that continued as new is
 * not an application of its own: its successor is.
 */
function applicationsQuery(clauses: string[]): string {
  return [`WorkflowType = '${LOAN_APPLICATION_WORKFLOW}'`, `ExecutionStatus != 'ContinuedAsNew'`, ...clauses].join(
    ' AND ',
  );
}

/** Execution statuses of runs that ended without reaching a terminal stage of their own. */
export const ENDED_FROM_OUTSIDE_STATUSES = ['Terminated', 'TimedOut', 'Failed', 'Canceled'];

/**
 * The visibility condition for applications in `stage`, whichever way they got there: an open
 * stage only while running; FAILED also for runs ended from outside (terminated, timed out).
 */
export function stageClause(attribute: 'LoanStage' | 'LoanOutcome', stage: string): string {
  if (stage === LoanStage.FAILED) {
    // Ended from outside before its own terminal stage (one terminated while delivering its
    // decision keeps that outcome).
    const ended = ENDED_FROM_OUTSIDE_STATUSES.map(quoted).join(', ');
    return `(${attribute} = ${quoted(stage)} OR (ExecutionStatus IN (${ended}) AND LoanOutcome IS NULL))`;
  }
  if (isTerminal(stage as LoanStage)) return `${attribute} = ${quoted(stage)}`;
  return `${attribute} = ${quoted(stage)} AND ExecutionStatus = 'Running'`;
}

/** Quotes a value for a visibility query; callers pass validated values, this is the second fence. */
export function quoted(value: string): string {
  if (!/^[A-Za-z0-9_.:\-+ ]*$/.test(value)) throw new Error(`refusing to quote ${JSON.stringify(value)}`);
  return `'${value}'`;
}

const STATUS_NAMES: Record<number, string> = {
  1: 'RUNNING',
  2: 'COMPLETED',
  3: 'FAILED',
  4: 'CANCELLED',
  5: 'TERMINATED',
  6: 'CONTINUED_AS_NEW',
  7: 'TIMED_OUT',
};

function summaryOf(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo): ApplicationSummary {
  const workflowId = execution.execution?.workflowId ?? '';
  const executionStatus = STATUS_NAMES[Number(execution.status ?? 0)] ?? 'UNKNOWN';
  const [, tenant = '', applicationId = ''] = workflowId.split('/');
  // A raw ListWorkflowExecutions entry (protobuf), not a described execution: its fields are read
  // as the server returns them, so ReviewDueAt stays the server's text.
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
  const applicantType = read('ApplicantType');
  const direction = read('Direction');
  // Ended from outside before a terminal stage: FAILED, as GET says; nothing is in review any more.
  const endedOutside = ENDED_FROM_OUTSIDE[executionStatus] !== undefined && !isTerminal(text('LoanStage') as LoanStage);
  return {
    workflowId,
    runId: execution.execution?.runId ?? '',
    executionStatus,
    tenant,
    applicationId,
    applicantType: isApplicantType(applicantType) ? applicantType : undefined,
    direction: isDirection(direction) ? direction : undefined,
    stage: endedOutside ? LoanStage.FAILED : text('LoanStage'),
    outcome: endedOutside ? LoanStage.FAILED : text('LoanOutcome'),
    queue: endedOutside ? undefined : text('ReviewQueue'),
    assignedReviewer: endedOutside ? undefined : text('AssignedReviewer'),
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
