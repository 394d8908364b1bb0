/**
 * The application's state as one run of the workflow holds it: what `getState` answers, the search
 * attributes ops and the inbox filter by, the timeline, and the bookkeeping a continued run needs
 * (events not yet delivered, recent action ids, idempotency keys). Every stage change goes through
 * `enter`, so the state and the search attributes never disagree.
 */
import { upsertSearchAttributes, workflowInfo, type CancellationScope } from '@temporalio/workflow';
import {
  isApplicantType,
  isDirection,
  isTerminal,
  LoanStage,
  receivedState,
  SearchAttributeKeys,
  TIMELINE_KEPT,
  toMinorUnits,
  type ApplicationInput,
  type ApplicationState,
  type ReviewOutcome,
  type WebhookEvent,
} from '#domain';

/** How long an Idempotency-Key is remembered on an application. */
const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/** Most idempotency keys one application remembers; the oldest are forgotten first. */
const MAX_IDEMPOTENCY_KEYS = 200;

/** What the workflow keeps besides the state: carried over when a run continues as new. */
export interface Bookkeeping {
  /** Events the loan system has not acknowledged yet, oldest first (see webhook-courier.ts). */
  outbox: WebhookEvent[];
  /** Events created so far: the next one's sequence number is this + 1. */
  eventsCreated: number;
  /** Update ids of actions accepted while their assertions are valid: each is single-use. */
  recentUpdates: { id: string; until: number }[];
  idempotency: { key: string; fingerprint: string; until: number }[];
  /** Drawn once, so every retry of the consent evidence activity hashes the same evidence. */
  consentSaltSeed?: string;
  withdrawal?: { actor: string; reason: string };
  /** The decision that completed the current review round (what DECIDING acts on). */
  roundOutcome?: ReviewOutcome;
}

/** The second argument of a continued run. */
export interface CarriedApplication {
  state: ApplicationState;
  book: Bookkeeping;
}

export class ApplicationRecord {
  readonly state: ApplicationState;
  readonly book: Bookkeeping;
  readonly workflowId: string;
  /** Background work (consent evidence, reviewer notices) the workflow sees finished before it ends. */
  private readonly background: Promise<unknown>[] = [];
  private running = 0;
  /** The scope the flow runs in: work started by a handler for the flow (a document's verification) runs in it too. */
  flow?: CancellationScope;
  /** Document versions (`key@version`) whose verification this run has started: one activity each. */
  readonly verifying = new Set<string>();
  /** A document verification that failed for good: the flow fails the application with it. */
  documentFailure?: Error;

  constructor(
    readonly input: ApplicationInput,
    carried?: CarriedApplication,
  ) {
    this.workflowId = workflowInfo().workflowId;
    this.state = carried?.state ?? receivedState(this.workflowId, input);
    this.book = carried?.book ?? { outbox: [], eventsCreated: 0, recentUpdates: [], idempotency: [] };
  }

  record(event: string, actor?: string): void {
    const { timeline } = this.state;
    timeline.push({ at: new Date().toISOString(), stage: this.state.stage, event, ...(actor ? { actor } : {}) });
    // A bounded state keeps every update's answer and a continued run's input small.
    if (timeline.length > TIMELINE_KEPT) timeline.splice(0, timeline.length - TIMELINE_KEPT);
    this.state.timelineLength += 1;
  }

  enter(stage: LoanStage, reason?: string): void {
    this.state.stage = stage;
    if (isTerminal(stage) && reason) this.state.ending = { reason, at: new Date().toISOString() };
    this.record(`entered ${stage}`);
    this.indexStage();
  }

  /** The search attributes that follow the stage: the inbox lists exactly the open review tasks. */
  indexStage(): void {
    const { stage, review } = this.state;
    const inReview = stage === LoanStage.IN_REVIEW && review !== undefined;
    upsertSearchAttributes([
      { key: SearchAttributeKeys.LoanStage, value: stage },
      { key: SearchAttributeKeys.ReviewQueue, value: inReview ? review.queue : null },
      { key: SearchAttributeKeys.ReviewDueAt, value: inReview ? new Date(review.dueAt) : null },
      { key: SearchAttributeKeys.AssignedReviewer, value: inReview ? (review.claimedBy ?? null) : null },
      { key: SearchAttributeKeys.LoanOutcome, value: isTerminal(stage) ? stage : null },
    ]);
  }

  /**
   * What ops filter by that never changes; written again by a continued run. The amount is left
   * out of input refused for a malformed amount.
   */
  indexApplication(withAmount = true): void {
    const { input } = this;
    upsertSearchAttributes([
      { key: SearchAttributeKeys.Tenant, value: input.tenant },
      { key: SearchAttributeKeys.LoanSystemReference, value: input.loanSystemReference },
      { key: SearchAttributeKeys.Jurisdiction, value: input.reviewJurisdiction },
      // Input started from outside the API may state anything: only a known type is indexed.
      ...(isApplicantType(input.applicantType)
        ? [{ key: SearchAttributeKeys.ApplicantType, value: input.applicantType }]
        : []),
      ...(isDirection(input.direction) ? [{ key: SearchAttributeKeys.Direction, value: input.direction }] : []),
      ...(withAmount
        ? [{ key: SearchAttributeKeys.RequestedAmountMinor, value: Number(toMinorUnits(input.requestedLimit)) }]
        : []),
    ]);
  }

  setReviewer(subject: string | undefined): void {
    this.state.review!.claimedBy = subject;
    upsertSearchAttributes([{ key: SearchAttributeKeys.AssignedReviewer, value: subject ?? null }]);
  }

  /**
   * Queues an event for the loan system; the courier delivers the queue in order. The id holds the
   * workflow time it was made at (the same on every replay) besides its sequence: if an operator
   * resets the workflow to an earlier point, the events it makes again reuse sequence numbers but
   * never an id the loan system has already seen.
   */
  emit(type: WebhookEvent['type'], data: Record<string, unknown>): void {
    const sequence = ++this.book.eventsCreated;
    this.book.outbox.push({
      eventId: `${this.workflowId}/${sequence}-${Date.now()}`,
      sequence,
      type,
      workflowId: this.workflowId,
      tenant: this.input.tenant,
      applicationId: this.input.applicationId,
      occurredAt: new Date().toISOString(),
      data,
    });
  }

  /** Whether this update id was accepted before (in this run or one it continues). */
  seenUpdate(updateId: string): boolean {
    return this.book.recentUpdates.some((entry) => entry.id === updateId);
  }

  /** The request fingerprint an Idempotency-Key was first used with, if it was. */
  idempotentRequest(key: string): string | undefined {
    return this.book.idempotency.find((entry) => entry.key === key)?.fingerprint;
  }

  /** Remembers an accepted action: its update id while its assertion is valid, its key for a day. */
  remember(updateId: string, assertionExpiresAt: number, idempotency?: { key: string; fingerprint: string }): void {
    const now = Date.now();
    const live = <T extends { until: number }>(entries: T[]): T[] => entries.filter((entry) => entry.until > now);
    this.book.recentUpdates = [...live(this.book.recentUpdates), { id: updateId, until: assertionExpiresAt * 1000 }];
    if (idempotency) {
      const kept = live(this.book.idempotency).slice(-(MAX_IDEMPOTENCY_KEYS - 1));
      this.book.idempotency = [...kept, { ...idempotency, until: now + IDEMPOTENCY_WINDOW_MS }];
    }
  }

  /** Runs `work` alongside the stages; the workflow ends only once it has settled. */
  inBackground<T>(work: Promise<T>): Promise<T> {
    this.running += 1;
    const settled = work.finally(() => (this.running -= 1));
    this.background.push(settled.catch(() => undefined));
    return settled;
  }

  /** Whether no background work is under way. */
  idle(): boolean {
    return this.running === 0;
  }

  /** Resolves once all background work has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.background);
  }

  carry(): CarriedApplication {
    return { state: this.state, book: this.book };
  }
}
