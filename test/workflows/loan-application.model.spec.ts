/**
 * Model-based test of the loan application workflow: fast-check runs random sequences of actions by
 * random people (the loan system and another bank's, reviewers of several roles, jurisdictions and
 * tenants, the submitter, a forger without the API's key), the clock, the ledger changing its mind
 * and an operator cancelling, against the real workflow on the time-skipping server. After every
 * step the workflow's answer (accepted, or refused and why) and its state must match a small
 * reference model written from the rules in shared/PRODUCT.md, not from the workflow's code.
 *
 * LENDBRIDGE_MODEL_RUNS sets the number of sequences (CI runs the default; raise it to explore).
 */
import { type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import fc from 'fast-check';
import {
  applicationWorkflowId,
  claimReview,
  DEFAULT_POLICY,
  isTerminal,
  LOAN_APPLICATION_WORKFLOW,
  newActionSigningKey,
  TERMINAL_EVENT_TYPES,
  Verdict,
  type Actor,
  type ApplicationState,
  type LoanStage,
  type ReviewOutcome,
} from '#domain';
import { sendAction } from '#temporal';
import { alice, bob, carol, loanSystem, southboundConsent } from '#test-support/loan-parties';
import { startTimeSkippingServer } from '#test-support/temporal';
import { actionsOn, applicationInput, fakeActivities, testWorkflowBundle } from './loan-application-harness.js';
import { answerOf, closeQuietly, sleepThroughStalls, stateWithin, traceLine, type Answer } from './model-steps.js';

const RUNS = Number(process.env.LENDBRIDGE_MODEL_RUNS ?? 200);
const HOUR = 3_600_000;
const SLA = 48 * HOUR;

const people: Record<string, Actor> = {
  loanSystem,
  otherBanksLoanSystem: { subject: 'los-bank-b', roles: ['loan-system'], jurisdictions: [], tenants: ['bank-b'] },
  alice,
  bob,
  carol,
  cnReviewer: { subject: 'dave', roles: ['reviewer'], jurisdictions: ['CN'], tenants: ['bank-a'] },
  otherBanksReviewer: { subject: 'erin', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-b'] },
  submitter: { subject: 'maker-mary', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] },
  ops: { subject: 'olivia', roles: ['ops'], jurisdictions: ['HK'], tenants: ['bank-a'] },
};
/** A person, or whoever holds the task's claim when the step runs (alice when nobody does). */
type Person =
  | 'loanSystem'
  | 'otherBanksLoanSystem'
  | 'alice'
  | 'bob'
  | 'carol'
  | 'cnReviewer'
  | 'otherBanksReviewer'
  | 'submitter'
  | 'ops'
  | 'claimer';

function actorOf(who: Person, m: Model): Actor {
  if (who !== 'claimer') return people[who]!;
  return Object.values(people).find((actor) => actor.subject === m.review?.claimedBy) ?? alice;
}

/** The reference model: what PRODUCT.md says the application is. Times are model time (ms). */
interface Model {
  now: number;
  stage: LoanStage;
  enteredAt: number;
  consentUntil?: number;
  /** What the ledger says of the report right now, and what it said at verification. */
  ledgerSays: Verdict;
  verified?: Verdict;
  fourEyes: boolean;
  review?: { round: number; escalated: boolean; dueAt: number; claimedBy?: string; approvals: string[] };
}

interface Real {
  env: TestWorkflowEnvironment;
  handle: WorkflowHandle;
  actions: ReturnType<typeof actionsOn>;
  ledger: { verdict?: Verdict };
}

// ---- the rules, from the product brief ----

function isLoanSystemOfTenant(actor: Actor): boolean {
  return actor.roles.includes('loan-system') && actor.tenants.includes('bank-a');
}

function reviewerRefusal(m: Model, actor: Actor): Answer | undefined {
  if (!actor.tenants.includes('bank-a')) return 'forbidden';
  if (m.stage !== 'IN_REVIEW' || !m.review) return 'conflict';
  const roles = m.review.escalated ? ['senior-reviewer'] : ['reviewer', 'senior-reviewer'];
  if (!actor.roles.some((role) => roles.includes(role))) return 'forbidden';
  if (!actor.jurisdictions.includes('HK')) return 'forbidden';
  if (actor.subject === 'maker-mary') return 'forbidden'; // maker-checker
  return undefined;
}

function enter(m: Model, stage: LoanStage): void {
  m.stage = stage;
  m.enteredAt = m.now;
}

/** The report arrives: it is verified with what the ledger says now, and goes to review. */
function verifyAndReview(m: Model): void {
  m.verified = m.ledgerSays;
  enter(m, 'IN_REVIEW');
  m.review = { round: (m.review?.round ?? 0) + 1, escalated: false, dueAt: m.now + SLA, approvals: [] };
}

/** The decision verifies again: a report no longer valid is declined, never approved. */
function decide(m: Model, outcome: 'approve' | 'decline'): void {
  enter(m, outcome === 'approve' && m.ledgerSays === Verdict.VERIFIED ? 'APPROVED' : 'DECLINED');
}

/** Moves the model clock, firing deadlines, escalation and consent lapse in time order. */
function advance(m: Model, by: number): void {
  const target = m.now + by;
  for (;;) {
    if (isTerminal(m.stage)) break;
    const deadline =
      m.stage === 'AWAITING_CONSENT'
        ? m.enteredAt + 7 * 24 * HOUR
        : m.stage === 'AWAITING_REPORT'
          ? m.enteredAt + 14 * 24 * HOUR
          : m.review!.dueAt;
    const lapse = m.consentUntil ?? Infinity;
    const next = Math.min(deadline, lapse);
    if (next > target) break;
    m.now = next;
    if (lapse <= deadline || m.stage !== 'IN_REVIEW' || m.review!.escalated) {
      enter(m, 'EXPIRED');
    } else {
      m.review = { ...m.review!, escalated: true, dueAt: next + SLA, claimedBy: undefined };
    }
  }
  m.now = target;
}

// ---- commands ----

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

/** Sends an action, compares the answer with the model's, applies it to the model, compares states. */
abstract class Action extends Step {
  /** Who acts, resolved when the step runs. */
  protected actor: Actor = alice;

  constructor(readonly who: Person) {
    super();
  }
  abstract expected(m: Model): Answer;
  abstract apply(m: Model): void;
  abstract send(r: Real): Promise<unknown>;

  async run(m: Model, r: Real): Promise<void> {
    trace(r, this);
    this.actor = actorOf(this.who, m);
    // A closed application takes no action from anyone (the API answers 409).
    const expected = isTerminal(m.stage) ? 'conflict' : this.expected(m);
    const answer = await answerOf(this.send(r));
    if (answer !== expected) throw new Error(`${this.toString()}: expected ${expected}, got ${answer}`);
    if (answer === 'accepted') this.apply(m);
    await compare(m, r, this.toString());
  }
}

class GrantConsent extends Action {
  constructor(
    who: Person,
    readonly validHours: number,
  ) {
    super(who);
  }
  expected(m: Model): Answer {
    if (!isLoanSystemOfTenant(this.actor)) return 'forbidden';
    return m.stage === 'AWAITING_CONSENT' ? 'accepted' : 'conflict';
  }
  apply(m: Model): void {
    m.consentUntil = m.now + this.validHours * HOUR;
    enter(m, 'AWAITING_REPORT');
  }
  async send(r: Real): Promise<unknown> {
    const validUntil = new Date((await r.env.currentTimeMs()) + this.validHours * HOUR).toISOString();
    return r.actions.consent({ ...southboundConsent, validUntil }, this.actor);
  }
  toString(): string {
    return `consent(${this.who}, ${this.validHours}h)`;
  }
}

class SubmitReport extends Action {
  expected(m: Model): Answer {
    if (!isLoanSystemOfTenant(this.actor)) return 'forbidden';
    return m.stage === 'AWAITING_REPORT' ? 'accepted' : 'conflict';
  }
  apply(m: Model): void {
    verifyAndReview(m);
  }
  send(r: Real): Promise<unknown> {
    return r.actions.report(undefined, this.actor);
  }
  toString(): string {
    return `report(${this.who})`;
  }
}

class Withdraw extends Action {
  expected(m: Model): Answer {
    if (!isLoanSystemOfTenant(this.actor)) return 'forbidden';
    return isTerminal(m.stage) ? 'conflict' : 'accepted';
  }
  apply(m: Model): void {
    enter(m, 'WITHDRAWN');
  }
  send(r: Real): Promise<unknown> {
    return r.actions.withdraw('applicant withdrew', this.actor);
  }
  toString(): string {
    return `withdraw(${this.who})`;
  }
}

class Claim extends Action {
  expected(m: Model): Answer {
    const actor = this.actor;
    const refusal = reviewerRefusal(m, actor);
    if (refusal) return refusal;
    const review = m.review!;
    if (review.claimedBy && review.claimedBy !== actor.subject) return 'conflict';
    if (review.approvals.includes(actor.subject)) return 'forbidden';
    return 'accepted';
  }
  apply(m: Model): void {
    m.review!.claimedBy = this.actor.subject;
  }
  send(r: Real): Promise<unknown> {
    return r.actions.claim(this.actor);
  }
  toString(): string {
    return `claim(${this.who})`;
  }
}

class Release extends Action {
  expected(m: Model): Answer {
    const actor = this.actor;
    if (!actor.tenants.includes('bank-a')) return 'forbidden';
    if (m.stage !== 'IN_REVIEW') return 'conflict';
    return m.review?.claimedBy === actor.subject ? 'accepted' : 'conflict';
  }
  apply(m: Model): void {
    m.review!.claimedBy = undefined;
  }
  send(r: Real): Promise<unknown> {
    return r.actions.release(this.actor);
  }
  toString(): string {
    return `release(${this.who})`;
  }
}

class Decide extends Action {
  constructor(
    who: Person,
    readonly outcome: ReviewOutcome['kind'],
  ) {
    super(who);
  }
  expected(m: Model): Answer {
    const actor = this.actor;
    const refusal = reviewerRefusal(m, actor);
    if (refusal) return refusal;
    if (!m.review!.claimedBy || m.review!.claimedBy !== actor.subject) return 'conflict';
    if (this.outcome === 'approve' && m.verified !== Verdict.VERIFIED) return 'conflict';
    return 'accepted';
  }
  apply(m: Model): void {
    const review = m.review!;
    const subject = review.claimedBy!;
    review.claimedBy = undefined;
    if (this.outcome === 'request-new-report') {
      enter(m, 'AWAITING_REPORT');
    } else if (this.outcome === 'decline') {
      decide(m, 'decline');
    } else {
      review.approvals.push(subject);
      if (review.approvals.length >= (m.fourEyes ? 2 : 1)) decide(m, 'approve');
    }
  }
  send(r: Real): Promise<unknown> {
    const outcome: ReviewOutcome =
      this.outcome === 'approve'
        ? { kind: 'approve', recommendedLimit: { amount: '50000.00', currency: 'HKD' } }
        : this.outcome === 'decline'
          ? { kind: 'decline', reasonCodes: ['MODEL'] }
          : { kind: 'request-new-report' };
    return r.actions.decide(this.actor, outcome);
  }
  toString(): string {
    return `decide(${this.who}, ${this.outcome})`;
  }
}

/** An action written straight to Temporal, without the API's key: never accepted, never harmful. */
class Forge extends Step {
  async run(m: Model, r: Real): Promise<void> {
    trace(r, this);
    const forger = newActionSigningKey('test-1');
    const answer = await answerOf(
      sendAction(r.handle, claimReview, { actor: carol }, forger, { nowMs: await r.env.currentTimeMs() }),
    );
    const expected = isTerminal(m.stage) ? 'conflict' : 'forbidden';
    if (answer !== expected) throw new Error(`forged claim: expected ${expected}, got ${answer}`);
    await compare(m, r, this.toString());
  }
  toString(): string {
    return 'forge(claim as carol)';
  }
}

class Wait extends Step {
  constructor(readonly hours: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    // 17 minutes past the hour: no sum of fewer than 60 waits lands on a deadline (whole hours),
    // so the model and the server never disagree about which side of one a moment falls.
    const ms = this.hours * HOUR + 17 * 60_000;
    trace(r, this);
    advance(m, ms);
    await sleepThroughStalls(r.env, ms);
    await compare(m, r, this.toString());
  }
  toString(): string {
    return `wait(${this.hours}h17m)`;
  }
}

class LedgerChanges extends Step {
  constructor(readonly verdict: Verdict) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    m.ledgerSays = this.verdict;
    r.ledger.verdict = this.verdict;
    await compare(m, r, this.toString());
  }
  toString(): string {
    return `ledger says ${this.verdict}`;
  }
}

class OperatorCancels extends Step {
  async run(m: Model, r: Real): Promise<void> {
    trace(r, this);
    if (isTerminal(m.stage)) return; // a closed workflow cannot be cancelled
    await r.handle.cancel();
    enter(m, 'FAILED');
    await compare(m, r, this.toString());
  }
  toString(): string {
    return 'operator cancels';
  }
}

// ---- comparing ----

function trace(r: Real, step: { toString(): string }): void {
  traceLine(`${r.handle.workflowId}: running ${step.toString()}`);
}

function view(state: Pick<ApplicationState, 'stage' | 'review'>, m?: Model) {
  const inReview = state.stage === 'IN_REVIEW';
  return {
    stage: state.stage,
    ...(inReview && {
      round: state.review?.round,
      escalated: state.review?.escalated,
      claimedBy: state.review?.claimedBy ?? null,
      approvals: (m ? m.review?.approvals : state.review?.approvals.map((a) => a.reviewer)) ?? [],
    }),
  };
}

/** Waits for the workflow to settle where the model says it is; fails with both views if it does not. */
async function compare(m: Model, r: Real, step: string): Promise<void> {
  traceLine(`${r.handle.workflowId}: ${step} → ${m.stage}`);
  const expected = view({ stage: m.stage, review: undefined }, m);
  if (m.stage === 'IN_REVIEW') {
    Object.assign(expected, {
      round: m.review!.round,
      escalated: m.review!.escalated,
      claimedBy: m.review!.claimedBy ?? null,
    });
  }
  let actual: ReturnType<typeof view> | undefined;
  for (let attempt = 0; attempt < 120; attempt++) {
    const state = await stateWithin(r.env, r.handle, 5_000);
    if (!state) continue;
    actual = view(state);
    // A terminal application has also closed (its events delivered) before the next step.
    const settled = !isTerminal(m.stage) || (await r.handle.describe()).status.name !== 'RUNNING';
    if (settled && JSON.stringify(actual) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`after ${step}: the model says ${JSON.stringify(expected)}, the workflow ${JSON.stringify(actual)}`);
}

// ---- the property ----

const person = (names: Person[]) => fc.constantFrom(...names);
// Weighted so that most sequences reach review and a decision; the rare steps (withdrawal, an
// operator's cancel, long waits) still come up in every few sequences.
const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        who: person(['loanSystem', 'loanSystem', 'otherBanksLoanSystem', 'alice']),
        hours: fc.constantFrom(30, 200, 100_000),
      })
      .map(({ who, hours }) => new GrantConsent(who, hours)),
  },
  {
    weight: 6,
    arbitrary: person(['loanSystem', 'loanSystem', 'otherBanksLoanSystem', 'bob']).map((who) => new SubmitReport(who)),
  },
  { weight: 1, arbitrary: person(['loanSystem', 'otherBanksLoanSystem', 'carol']).map((who) => new Withdraw(who)) },
  {
    weight: 8,
    arbitrary: person([
      'alice',
      'alice',
      'bob',
      'bob',
      'carol',
      'cnReviewer',
      'otherBanksReviewer',
      'submitter',
      'ops',
    ]).map((who) => new Claim(who)),
  },
  {
    weight: 3,
    arbitrary: person(['claimer', 'alice', 'bob', 'carol', 'otherBanksReviewer']).map((who) => new Release(who)),
  },
  {
    weight: 8,
    arbitrary: fc
      .record({
        who: person(['claimer', 'claimer', 'claimer', 'alice', 'bob', 'carol', 'cnReviewer', 'submitter']),
        outcome: fc.constantFrom<ReviewOutcome['kind']>(
          'approve',
          'approve',
          'approve',
          'decline',
          'request-new-report',
        ),
      })
      .map(({ who, outcome }) => new Decide(who, outcome)),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 50 }) },
        { weight: 1, arbitrary: fc.integer({ min: 51, max: 200 }) },
      )
      .map((hours) => new Wait(hours)),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(Verdict.VERIFIED, Verdict.REVOKED, Verdict.NOT_ANCHORED)
      .map((v) => new LedgerChanges(v)),
  },
  { weight: 1, arbitrary: fc.constant(new Forge()) },
  { weight: 1, arbitrary: fc.constant(new OperatorCancels()) },
);

/**
 * Where a sequence starts: most in review (consent and a report from the loan system first), some
 * earlier, so the random steps spend their time where the rules are.
 */
const prefix = fc
  .constantFrom(0, 1, 2, 2, 2, 2)
  .map((length) => [new GrantConsent('loanSystem', 100_000), new SubmitReport('loanSystem')].slice(0, length));

describe('loanApplicationWorkflow against its reference model', () => {
  let env: TestWorkflowEnvironment;
  let bundle: { code: string };

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), testWorkflowBundle()]);
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  /** Where the sequences ended, printed so a change that stops them reaching review is noticed. */
  const reached = new Map<string, number>();
  afterAll(() => {
    console.log(`model-based sequences ended in: ${JSON.stringify(Object.fromEntries(reached))}`);
  });

  it(`follows the rules over ${RUNS} random sequences of actions, clock, ledger and operator`, async () => {
    const fake = fakeActivities();
    const taskQueue = 'loan-model';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: fake.activities,
    });
    await worker.runUntil(
      fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          prefix,
          fc.commands([step], { maxCommands: 25, size: 'max' }),
          async (fourEyes, start, commands) => {
            const application = applicationInput({
              requestedLimit: { amount: fourEyes ? '800000.00' : '100000.00', currency: 'HKD' },
              policy: { ...DEFAULT_POLICY },
              // A short history per run, so sequences cross continue-as-new.
              eventsPerRun: 60,
            });
            fake.ledger.verdict = Verdict.VERIFIED;
            fake.calls.webhooks.length = 0;
            const handle = await env.client.workflow.start(LOAN_APPLICATION_WORKFLOW, {
              taskQueue,
              workflowId: applicationWorkflowId(application.tenant, application.applicationId),
              args: [application],
            });
            const model: Model = {
              now: 0,
              stage: 'AWAITING_CONSENT',
              enteredAt: 0,
              ledgerSays: Verdict.VERIFIED,
              fourEyes,
            };
            const real: Real = { env, handle, actions: actionsOn(env, handle), ledger: fake.ledger };
            try {
              await compare(model, real, 'start');
              for (const command of start) await command.run(model, real);
              await fc.asyncModelRun(() => ({ model, real }), commands);
              await checkEvents(handle.workflowId, fake.calls.webhooks, isTerminal(model.stage));
              reached.set(model.stage, (reached.get(model.stage) ?? 0) + 1);
            } finally {
              await closeQuietly(handle);
            }
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      ),
    );
  }, 1_800_000);
});

/**
 * Events reach the loan system numbered 1..n without gaps, in order, and a terminal stage sends
 * exactly one terminal event, the last. (Delivery of the last event may trail the stage change.)
 */
async function checkEvents(
  workflowId: string,
  webhooks: { workflowId: string; sequence: number; type: string }[],
  terminal: boolean,
): Promise<void> {
  if (terminal) {
    for (
      let i = 0;
      i < 80 && !webhooks.some((w) => w.workflowId === workflowId && TERMINAL_EVENT_TYPES.includes(w.type as never));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const mine = webhooks.filter((w) => w.workflowId === workflowId);
  const sequences = mine.map((w) => w.sequence);
  if (JSON.stringify(sequences) !== JSON.stringify(sequences.map((_, i) => i + 1))) {
    throw new Error(`events out of order or with gaps: ${JSON.stringify(sequences)}`);
  }
  const terminals = mine.filter((w) => TERMINAL_EVENT_TYPES.includes(w.type as never));
  if (terminal ? terminals.length !== 1 || mine.at(-1) !== terminals[0] : terminals.length !== 0) {
    throw new Error(`terminal events: ${JSON.stringify(mine.map((w) => w.type))}`);
  }
}
