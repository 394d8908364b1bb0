/**
 * An application's audit timeline, "who did what, when", rendered from its workflow's Temporal
 * event history: the history is the authoritative record (every accepted update with its acting
 * identity, every activity outcome, every timer), where the workflow's own `timeline` is only what
 * the code chose to note.
 *
 * The timeline is shown to ops, so it is built from allow-listed facts only: names, identities,
 * stages, verdicts, queue and event types checked against their known shapes. Payload text that
 * could carry personal data (the applicant reference, decision fields, consent details, reviewer
 * notes, revocation reasons) is decoded where needed to find those facts and never copied out.
 */
import {
  ApplicationFailure,
  fromPayloadsAtIndex,
  type LoadedDataConverter,
  type Payload,
  type SerializationContext,
} from '@temporalio/common';
import type { google, temporal } from '@temporalio/proto';
// @temporalio/proto is CommonJS whose exports Node's ESM loader cannot list: import its default.
import proto from '@temporalio/proto';
// Payload codecs run in the order the client and worker use, then the payload or failure converter.
import { decodeFailure, decodePayloads } from '#codec';
import {
  claimReview,
  completeReview,
  grantConsent,
  ID_PATTERN,
  isApplicantType,
  LoanStage,
  releaseReview,
  revokeConsent,
  SearchAttributeKeys,
  submitCreditReport,
  submitDocumentUpdate,
  DOCUMENT_KEY_PATTERN,
  Verdict,
  type LoanApplicationActivities,
} from '#domain';
import { decodeTypedSearchAttributes } from './typed-search-attributes.js';

const { EventType, RetryState, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

export type AuditCategory = 'application' | 'update' | 'activity' | 'timer' | 'stage' | 'workflow';

/** Who an entry names when no person acted. */
export const AuditActor = {
  /** A worker ran an activity (or failed a workflow task). */
  WORKER: 'worker',
  /** The workflow itself: a stage change, a deadline set, an activity scheduled, its end. */
  WORKFLOW: 'lendbridge',
  /** The Temporal server: a timer fired, a timeout. */
  SERVER: 'temporal',
  /** An update or start whose payload carried no recognisable identity. */
  UNKNOWN: 'unknown',
} as const;

/** One line of the timeline. */
export interface AuditEntry {
  /** The history event rendered: orders the lines and finds the event in the Temporal UI. */
  eventId: number;
  /** When the server recorded the event, ISO 8601 in UTC. */
  at: string;
  /** The authenticated subject who acted, or one of {@link AuditActor}. */
  who: string;
  what: string;
  category: AuditCategory;
}

/** The history holds a payload the data converter cannot decode: likely not the worker's codecs. */
export class AuditHistoryDecodeError extends Error {
  constructor(
    readonly eventId: number,
    cause: unknown,
  ) {
    super(`cannot decode history event ${eventId}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'AuditHistoryDecodeError';
  }
}

/**
 * Renders the timeline of one workflow's history, oldest first, one entry per event that says
 * something to ops; workflow-task bookkeeping, markers, cancelled timers and updates that completed
 * normally are left out as noise. Payloads go through `dataConverter`'s codecs, then its payload
 * or failure converter. Pass `context` (namespace and workflow id) when the codecs depend on the
 * serialization context: workflow payloads are decoded with a workflow context, an activity's
 * input, result and failures with that activity's context.
 *
 * Throws {@link AuditHistoryDecodeError} when a payload cannot be decoded: a timeline with the
 * actors silently missing would mislead more than an error.
 */
export async function renderAuditTimeline(
  history: temporal.api.history.v1.IHistory,
  dataConverter: LoadedDataConverter,
  context?: { namespace: string; workflowId: string },
): Promise<AuditEntry[]> {
  const renderer = new TimelineRenderer(dataConverter, context);
  for (const event of history.events ?? []) await renderer.render(event);
  return renderer.entries;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ProtoFailure = temporal.api.failure.v1.IFailure;
type ActivityName = keyof LoanApplicationActivities;

interface ScheduledActivity {
  /** The activity named for ops, e.g. `recordEvidence (consent)`. */
  label: string;
  name: string;
  context: SerializationContext | undefined;
  /** From the started event, written just before the outcome: the attempt that ended it. */
  attempt?: number;
  lastFailure?: ProtoFailure | null;
}

// Free text that does reach the timeline (failure messages, a terminate reason typed by an
// operator) is clipped to one short line.
const MAX_TEXT = 200;
const QUEUE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const WEBHOOK_TYPE_PATTERN = /^application\.[a-z-]{1,40}$/;
const REVIEW_OUTCOMES = new Set(['approve', 'decline', 'request-new-report', 'request-new-version']);
const STAGES = new Set<string>(Object.values(LoanStage));
const VERDICTS = new Set<string>(Object.values(Verdict));
/** The workflow's timers are all deadlines; which one follows from the stage it is set in. */
const DEADLINES: Partial<Record<string, string>> = {
  [LoanStage.AWAITING_CONSENT]: 'consent deadline',
  [LoanStage.AWAITING_REPORT]: 'report deadline',
  [LoanStage.IN_REVIEW]: 'review SLA',
};
const RETRY_STATES: Partial<Record<number, string>> = {
  [RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE]: 'not retryable',
  [RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED]: 'out of attempts',
  [RetryState.RETRY_STATE_TIMEOUT]: 'out of retry time',
};
// Other causes (a command racing a new event, a sticky queue reset) are routine and retried at once.
const TASK_FAILURES_WORTH_SHOWING = new Set<number>([
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
]);

class TimelineRenderer {
  readonly entries: AuditEntry[] = [];
  private stage: string | undefined;
  private readonly activities = new Map<number, ScheduledActivity>();
  private readonly timers = new Map<string, string>();
  private readonly updates = new Map<string, string>();

  constructor(
    private readonly converter: LoadedDataConverter,
    private readonly context: { namespace: string; workflowId: string } | undefined,
  ) {}

  async render(event: HistoryEvent): Promise<void> {
    const eventId = toNumber(event.eventId);
    const add = (who: string, what: string, category: AuditCategory): void => {
      this.entries.push({ eventId, at: instant(event.eventTime), who, what, category });
    };
    const decode = (payloads: Payload[] | null | undefined, context = this.workflowContext()): Promise<unknown> =>
      this.decode(eventId, payloads, context);
    const failureText = (failure: ProtoFailure | null | undefined, context?: SerializationContext): Promise<string> =>
      this.failureText(eventId, failure, context ?? this.workflowContext());

    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const attributes = event.workflowExecutionStartedEventAttributes!;
        const input = asObject(await decode(attributes.input?.payloads));
        const who = subject(input?.submittedBy) ?? subject(attributes.identity) ?? AuditActor.UNKNOWN;
        const { tenant, applicationId, applicantType } = input ?? {};
        const named = isId(tenant) && isId(applicationId);
        // Only a known type is named: input started from outside the API may carry anything.
        const applicant = isApplicantType(applicantType) ? ` (applicant: ${applicantType})` : '';
        add(
          who,
          named ? `application ${applicationId} received for tenant ${tenant}${applicant}` : 'application received',
          'application',
        );
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const name = request?.input?.name ?? '';
        if (request?.meta?.updateId) this.updates.set(request.meta.updateId, name);
        const argument = asObject(await decode(request?.input?.args?.payloads));
        const actor = asObject(argument?.actor);
        add(
          subject(actor?.subject) ?? subject(request?.meta?.identity) ?? AuditActor.UNKNOWN,
          describeUpdate(name, argument),
          'update',
        );
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        // A success is already told by the accepted update; only a handler that threw is news.
        const attributes = event.workflowExecutionUpdateCompletedEventAttributes!;
        const failure = attributes.outcome?.failure;
        if (!failure) return;
        const name = this.updates.get(attributes.meta?.updateId ?? '') ?? 'update';
        add(AuditActor.WORKFLOW, `${clip(name)} failed: ${await failureText(failure)}`, 'update');
        return;
      }

      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const attributes = event.activityTaskScheduledEventAttributes!;
        const name = attributes.activityType?.name ?? 'activity';
        const context = this.activityContext(attributes.activityId);
        const label = await this.activityLabel(name, attributes.input?.payloads, (payloads) =>
          decode(payloads, context),
        );
        this.activities.set(eventId, { label, name, context });
        add(AuditActor.WORKFLOW, `${label} scheduled`, 'activity');
        return;
      }

      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        // Written when the attempt ends, with the start time of that attempt: folded into the
        // outcome line, so the timeline stays in time order and says how many attempts it took.
        const attributes = event.activityTaskStartedEventAttributes!;
        const activity = this.activities.get(toNumber(attributes.scheduledEventId));
        if (activity) {
          activity.attempt = attributes.attempt ?? undefined;
          activity.lastFailure = attributes.lastFailure;
        }
        return;
      }

      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const attributes = event.activityTaskCompletedEventAttributes!;
        const activity = this.activityOf(attributes.scheduledEventId);
        let what = `${activity.label} completed`;
        if (
          activity.name === ('verifyCreditReport' satisfies ActivityName) ||
          activity.name === ('verifyDocument' satisfies ActivityName)
        ) {
          const verdict = asObject(await decode(attributes.result?.payloads, activity.context))?.verdict;
          if (typeof verdict === 'string' && VERDICTS.has(verdict)) what = `${activity.label} completed: ${verdict}`;
        } else if (activity.name === ('deliverWebhook' satisfies ActivityName)) {
          what = `${activity.label} delivered`;
        }
        add(AuditActor.WORKER, what + (await this.retrySuffix(eventId, activity)), 'activity');
        return;
      }

      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attributes = event.activityTaskFailedEventAttributes!;
        const activity = this.activityOf(attributes.scheduledEventId);
        const why = await failureText(attributes.failure, activity.context);
        add(
          AuditActor.WORKER,
          `${activity.label} failed${attemptOf(activity)}: ${why}${retryState(attributes.retryState)}`,
          'activity',
        );
        return;
      }

      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const attributes = event.activityTaskTimedOutEventAttributes!;
        const activity = this.activityOf(attributes.scheduledEventId);
        const why = await failureText(attributes.failure, activity.context);
        add(
          AuditActor.SERVER,
          `${activity.label} timed out${attemptOf(activity)}: ${why}${retryState(attributes.retryState)}`,
          'activity',
        );
        return;
      }

      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const activity = this.activityOf(event.activityTaskCanceledEventAttributes?.scheduledEventId);
        add(AuditActor.WORKER, `${activity.label} cancelled`, 'activity');
        return;
      }

      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const attributes = event.timerStartedEventAttributes!;
        const label = DEADLINES[this.stage ?? ''] ?? 'deadline';
        this.timers.set(attributes.timerId ?? '', label);
        add(AuditActor.WORKFLOW, `${label} timer started: ${duration(attributes.startToFireTimeout)}`, 'timer');
        return;
      }

      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const label = this.timers.get(event.timerFiredEventAttributes?.timerId ?? '') ?? 'deadline';
        add(AuditActor.SERVER, `${label} timer fired`, 'timer');
        return;
      }

      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        // Search attributes are never run through codecs (the server indexes them): the search
        // attribute converter reads them; a cleared value (null) carries no type and is skipped.
        const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
        let stage: unknown;
        try {
          stage = decodeTypedSearchAttributes(fields).get(SearchAttributeKeys.LoanStage);
        } catch (error) {
          throw new AuditHistoryDecodeError(eventId, error);
        }
        if (typeof stage !== 'string' || !STAGES.has(stage) || stage === this.stage) return;
        this.stage = stage;
        add(AuditActor.WORKFLOW, `stage → ${stage}`, 'stage');
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
        const state = asObject(await decode(event.workflowExecutionCompletedEventAttributes?.result?.payloads));
        const stage = state?.stage;
        add(
          AuditActor.WORKFLOW,
          typeof stage === 'string' && STAGES.has(stage) ? `completed: ${stage}` : 'completed',
          'workflow',
        );
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
        const attributes = event.workflowExecutionFailedEventAttributes!;
        add(AuditActor.WORKFLOW, `failed: ${await failureText(attributes.failure)}`, 'workflow');
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
        const attributes = event.workflowExecutionTerminatedEventAttributes!;
        const reason = clip(attributes.reason ?? '');
        add(
          subject(attributes.identity) ?? AuditActor.SERVER,
          reason ? `terminated: ${reason}` : 'terminated',
          'workflow',
        );
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED: {
        const identity = subject(event.workflowExecutionCancelRequestedEventAttributes?.identity);
        add(identity ?? AuditActor.UNKNOWN, 'cancellation requested', 'workflow');
        return;
      }

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        add(AuditActor.WORKFLOW, 'cancelled', 'workflow');
        return;

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        add(AuditActor.SERVER, 'timed out', 'workflow');
        return;

      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        add(AuditActor.WORKFLOW, 'continued as new', 'workflow');
        return;

      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED: {
        // A workflow stuck on a bug or a non-deterministic change: what ops most need to see.
        const attributes = event.workflowTaskFailedEventAttributes!;
        if (!TASK_FAILURES_WORTH_SHOWING.has(attributes.cause ?? 0)) return;
        add(AuditActor.WORKER, `workflow task failed: ${await failureText(attributes.failure)}`, 'workflow');
        return;
      }

      default:
        // Workflow-task bookkeeping, markers, cancelled timers, cancel requests of activities, and
        // event types this workflow never produces: nothing an ops reader acts on.
        return;
    }
  }

  private workflowContext(): SerializationContext | undefined {
    return this.context && { type: 'workflow', ...this.context };
  }

  private activityContext(activityId: string | null | undefined): SerializationContext | undefined {
    return this.context && { type: 'activity', ...this.context, activityId: activityId ?? undefined, isLocal: false };
  }

  private activityOf(scheduledEventId: unknown): ScheduledActivity {
    // A history page that starts after the scheduling (or a reset) still renders.
    return this.activities.get(toNumber(scheduledEventId)) ?? { label: 'activity', name: '', context: undefined };
  }

  /** The activity with the one non-personal detail that tells its calls apart. */
  private async activityLabel(
    name: string,
    payloads: Payload[] | null | undefined,
    decode: (payloads: Payload[] | null | undefined) => Promise<unknown>,
  ): Promise<string> {
    switch (name as ActivityName) {
      case 'recordEvidence': {
        const kind = asObject(await decode(payloads))?.kind;
        return kind === 'consent' || kind === 'decision' ? `${name} (${kind})` : name;
      }
      case 'deliverWebhook': {
        const type = asObject(await decode(payloads))?.type;
        return typeof type === 'string' && WEBHOOK_TYPE_PATTERN.test(type) ? `${name} ${type}` : name;
      }
      case 'notifyReviewers': {
        const input = asObject(await decode(payloads));
        const queue = input?.queue;
        if (typeof queue !== 'string' || !QUEUE_PATTERN.test(queue)) return name;
        return `${name} (${queue}${input?.escalated === true ? ', escalated' : ''})`;
      }
      case 'verifyDocument': {
        // Which document of the set: its key (never its hash or fields).
        return `${name}${documentKeyOf(asObject(await decode(payloads)))}`;
      }
      case 'verifyCreditReport':
        return name;
      default:
        return clip(name);
    }
  }

  /** ` (attempt 5; last failure: …)` when the outcome came after retries. */
  private async retrySuffix(eventId: number, activity: ScheduledActivity): Promise<string> {
    if (!activity.attempt || activity.attempt <= 1) return '';
    const last = activity.lastFailure
      ? `; last failure: ${await this.failureText(eventId, activity.lastFailure, activity.context)}`
      : '';
    return ` (attempt ${activity.attempt}${last})`;
  }

  private async decode(
    eventId: number,
    payloads: Payload[] | null | undefined,
    context: SerializationContext | undefined,
  ): Promise<unknown> {
    try {
      const { payloadCodecs, payloadConverter } = this.converter;
      const decoded = payloads ? await decodePayloads(payloadCodecs, payloads, context) : payloads;
      return fromPayloadsAtIndex(payloadConverter, 0, decoded, context);
    } catch (error) {
      throw new AuditHistoryDecodeError(eventId, error);
    }
  }

  /** The failure's message (and its first cause's), with its type: never its stack or details. */
  private async failureText(
    eventId: number,
    failure: ProtoFailure | null | undefined,
    context: SerializationContext | undefined,
  ): Promise<string> {
    let error: Error | undefined;
    try {
      const { failureConverter, payloadCodecs, payloadConverter } = this.converter;
      error = failure
        ? failureConverter.failureToError(
            await decodeFailure(payloadCodecs, failure, context),
            payloadConverter,
            context,
          )
        : undefined;
    } catch (cause) {
      throw new AuditHistoryDecodeError(eventId, cause);
    }
    if (!error) return 'no failure recorded';
    const cause = error.cause instanceof Error && error.cause.message ? `: ${error.cause.message}` : '';
    const type = error instanceof ApplicationFailure && error.type ? ` (${clip(error.type)})` : '';
    return clip(`${error.message}${cause}`) + type;
  }
}

function describeUpdate(name: string, argument: Record<string, unknown> | undefined): string {
  switch (name) {
    case revokeConsent.name:
      return 'consent revoked';
    case completeReview.name: {
      const outcome = asObject(argument?.outcome);
      const kind = outcome?.kind;
      if (typeof kind !== 'string' || !REVIEW_OUTCOMES.has(kind)) return `${name} accepted`;
      return kind === 'request-new-version' ? `${name}: ${kind}${documentKeyOf(outcome)}` : `${name}: ${kind}`;
    }
    case submitDocumentUpdate.name:
      return `${name} accepted${documentKeyOf(asObject(argument?.document))}`;
    case grantConsent.name:
    case submitCreditReport.name:
    case claimReview.name:
    case releaseReview.name:
      return `${name} accepted`;
    default:
      return `${clip(name || 'update')} accepted`;
  }
}

/** ` (key)` when the value names a well-formed document key; nothing otherwise (never free text). */
function documentKeyOf(value: Record<string, unknown> | undefined): string {
  const key = value?.documentKey;
  return typeof key === 'string' && key.length <= 56 && DOCUMENT_KEY_PATTERN.test(key) ? ` (${key})` : '';
}

function attemptOf(activity: ScheduledActivity): string {
  return activity.attempt ? ` on attempt ${activity.attempt}` : '';
}

function retryState(state: temporal.api.enums.v1.RetryState | null | undefined): string {
  const text = RETRY_STATES[state ?? 0];
  return text ? `; ${text}` : '';
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An identity as authenticated upstream: a non-empty string, on one line. */
function subject(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? clip(value) : undefined;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

/** Event ids and durations arrive as protobuf Longs (or numbers, when built by hand). */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function') {
    return Number((value as { toNumber(): unknown }).toNumber());
  }
  return Number(value ?? 0);
}

/**
 * A protobuf timestamp as ISO 8601. Not the SDK's `tsToMs`: that needs `seconds` as a Long, and a
 * history parsed from JSON (a saved history, `historyFromJSON`) holds plain numbers.
 */
function instant(value: google.protobuf.ITimestamp | null | undefined): string {
  return new Date(toNumber(value?.seconds) * 1000 + Math.floor((value?.nanos ?? 0) / 1_000_000)).toISOString();
}

/** A protobuf duration in its largest whole unit: 604800s reads `7 days`, 172800s `2 days`. */
function duration(value: google.protobuf.IDuration | null | undefined): string {
  const seconds = toNumber(value?.seconds);
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
