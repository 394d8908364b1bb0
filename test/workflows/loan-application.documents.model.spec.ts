/**
 * Model-based test of a document-set application (credit-policy-v2): fast-check runs random
 * sequences of document submissions (good, outside the consent, the replaced version again), a
 * reviewer's requests for a new version of one document, approvals and declines, revocations on the
 * ledger and the clock, against the real workflow on the time-skipping server. After every step the
 * answer and the state (stage, round, claim, and each document's status and version count) must
 * match a small reference model written from docs/documents.md, not from the workflow's code.
 *
 * LENDBRIDGE_DOCUMENT_MODEL_RUNS sets the number of sequences.
 */
import { createHash } from 'node:crypto';
import { type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import fc from 'fast-check';
import {
  applicationWorkflowId,
  isTerminal,
  LOAN_APPLICATION_WORKFLOW,
  Verdict,
  type Actor,
  type ApplicationState,
  type DocumentSubmission,
  type LoanStage,
  type ReviewOutcome,
} from '#domain';
import {
  alice,
  carol,
  companyConsent,
  setPolicyFor,
  HK_ISSUER,
  loanSystem,
  STATEMENT_BANK,
} from '#test-support/loan-parties';
import { startTimeSkippingServer } from '#test-support/temporal';
import { actionsOn, applicationInput, fakeActivities, testWorkflowBundle } from './loan-application-harness.js';
import { answerOf, closeQuietly, sleepThroughStalls, stateWithin, traceLine, type Answer } from './model-steps.js';

const RUNS = Number(process.env.LENDBRIDGE_DOCUMENT_MODEL_RUNS ?? 20);
const HOUR = 3_600_000;
const SLA = 48 * HOUR;
const REPORT_DEADLINE = 14 * 24 * HOUR;
const BANK = STATEMENT_BANK;
const STRANGER = `0x${'5e'.repeat(20)}`;

const consent = companyConsent();

interface Doc {
  key: string;
  kind: string;
  month?: string;
  status: 'AWAITING' | 'VERIFIED' | 'REVOKED';
  versions: number;
  currentHash?: string;
  /** The hash a reviewer asked to replace, while that request is open. */
  replacedHash?: string;
}

/** The reference model. Times are model time (ms). */
interface Model {
  now: number;
  stage: LoanStage;
  reportBy: number;
  docs: Doc[];
  review?: { round: number; escalated: boolean; dueAt: number; claimedBy?: string };
  /** Hashes the ledger now calls revoked. */
  revoked: Set<string>;
}

interface Real {
  env: TestWorkflowEnvironment;
  handle: WorkflowHandle;
  actions: ReturnType<typeof actionsOn>;
  ledger: { documents: Record<string, Verdict> };
}

const hashOf = (key: string, n: number): string => createHash('sha256').update(`${key}#${n}`).digest('hex');
const hkd = (minorUnits: string) => ({ minorUnits, currency: 'HKD' });

function submission(doc: Doc, n: number, issuerOverride?: string): DocumentSubmission {
  const documentHash = hashOf(doc.key, n);
  switch (doc.kind) {
    case 'corporate-credit-report':
      return {
        documentKey: doc.key,
        documentHash,
        issuer: issuerOverride ?? HK_ISSUER,
        fields: { rating: 'A', score: 700 },
      };
    case 'bank-statement':
      return {
        documentKey: doc.key,
        documentHash,
        issuer: issuerOverride ?? BANK,
        fields: { month: doc.month, averageBalance: hkd('2000000'), totalInflows: hkd('5000000') },
      };
    default:
      return {
        documentKey: doc.key,
        documentHash,
        issuer: issuerOverride ?? HK_ISSUER,
        fields: { score: 720, scoreBand: 'A', delinquencies: 0 },
      };
  }
}

// ---- the rules, from docs/documents.md and docs/workflow.md ----

function enterReview(m: Model): void {
  m.stage = 'IN_REVIEW';
  m.review = { round: (m.review?.round ?? 0) + 1, escalated: false, dueAt: m.now + SLA };
}

/** The set is ready: review starts. */
function maybeReady(m: Model): void {
  if (m.stage === 'AWAITING_REPORT' && m.docs.every((d) => d.status === 'VERIFIED')) enterReview(m);
}

function advance(m: Model, by: number): void {
  const target = m.now + by;
  for (;;) {
    if (isTerminal(m.stage)) break;
    const deadline = m.stage === 'AWAITING_REPORT' ? m.reportBy : m.review!.dueAt;
    if (deadline > target) break;
    m.now = deadline;
    if (m.stage === 'AWAITING_REPORT') {
      // Nothing verified at all: expired; otherwise review, naming what is missing.
      if (m.docs.some((d) => d.status === 'VERIFIED')) enterReview(m);
      else m.stage = 'EXPIRED';
    } else if (m.review!.escalated) {
      m.stage = 'EXPIRED';
    } else {
      m.review = { ...m.review!, escalated: true, dueAt: deadline + SLA, claimedBy: undefined };
    }
  }
  m.now = target;
}

function reviewerRefusal(m: Model, actor: Actor): Answer | undefined {
  if (m.stage !== 'IN_REVIEW' || !m.review) return 'conflict';
  const roles = m.review.escalated ? ['senior-reviewer'] : ['reviewer', 'senior-reviewer'];
  if (!actor.roles.some((role) => roles.includes(role))) return 'forbidden';
  return undefined;
}

// ---- commands ----

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

abstract class Action extends Step {
  abstract expected(m: Model): Answer;
  abstract apply(m: Model): void;
  abstract send(m: Model, r: Real): Promise<unknown>;

  async run(m: Model, r: Real): Promise<void> {
    const expected = isTerminal(m.stage) ? 'conflict' : this.expected(m);
    const answer = await answerOf(this.send(m, r));
    if (answer !== expected) throw new Error(`${this.toString()}: expected ${expected}, got ${answer}`);
    if (answer === 'accepted') this.apply(m);
    await compare(m, r, this.toString());
  }
}

type Variant = 'good' | 'outside-consent' | 'replaced-again';

class SubmitDocument extends Action {
  constructor(
    readonly index: number,
    readonly n: number,
    readonly variant: Variant,
  ) {
    super();
  }
  private doc(m: Model): Doc {
    return m.docs[this.index % m.docs.length]!;
  }
  private hash(m: Model): string {
    const doc = this.doc(m);
    return this.variant === 'replaced-again' && doc.replacedHash ? doc.replacedHash : hashOf(doc.key, this.n);
  }
  expected(m: Model): Answer {
    const doc = this.doc(m);
    const requested = doc.replacedHash !== undefined;
    if (m.stage !== 'AWAITING_REPORT' && !(m.stage === 'IN_REVIEW' && requested)) return 'conflict';
    const hash = this.hash(m);
    if (doc.status === 'VERIFIED' && doc.currentHash === hash && this.variant !== 'outside-consent') return 'accepted';
    if (doc.status === 'VERIFIED') return 'invalid';
    if (hash === doc.replacedHash) return 'invalid';
    if (this.variant === 'outside-consent') return 'invalid';
    return 'accepted';
  }
  apply(m: Model): void {
    const doc = this.doc(m);
    const hash = this.hash(m);
    if (doc.status === 'VERIFIED' && doc.currentHash === hash) return; // a retry changes nothing
    doc.versions += 1;
    doc.currentHash = hash;
    doc.replacedHash = undefined;
    doc.status = 'VERIFIED'; // the stub ledger verifies every submission
    maybeReady(m);
  }
  send(m: Model, r: Real): Promise<unknown> {
    const doc = this.doc(m);
    const base = submission(doc, this.n, this.variant === 'outside-consent' ? STRANGER : undefined);
    return r.actions.document({ ...base, documentHash: this.hash(m) });
  }
  toString(): string {
    return `submit(#${this.index}, v${this.n}, ${this.variant})`;
  }
}

class Claim extends Action {
  constructor(readonly actor: Actor) {
    super();
  }
  expected(m: Model): Answer {
    const refusal = reviewerRefusal(m, this.actor);
    if (refusal) return refusal;
    if (m.review!.claimedBy && m.review!.claimedBy !== this.actor.subject) return 'conflict';
    return 'accepted';
  }
  apply(m: Model): void {
    m.review!.claimedBy = this.actor.subject;
  }
  send(_m: Model, r: Real): Promise<unknown> {
    return r.actions.claim(this.actor);
  }
  toString(): string {
    return `claim(${this.actor.subject})`;
  }
}

type Outcome = 'approve' | 'decline' | 'request-new-version';

class Decide extends Action {
  private actor: Actor = alice;
  constructor(
    readonly outcome: Outcome,
    readonly index: number,
  ) {
    super();
  }
  override async run(m: Model, r: Real): Promise<void> {
    // Whoever holds the claim decides (alice when nobody does).
    this.actor = [alice, carol].find((a) => a.subject === m.review?.claimedBy) ?? alice;
    await super.run(m, r);
  }
  expected(m: Model): Answer {
    const refusal = reviewerRefusal(m, this.actor);
    if (refusal) return refusal;
    if (m.review!.claimedBy !== this.actor.subject) return 'conflict';
    if (this.outcome === 'approve' && !m.docs.every((d) => d.status === 'VERIFIED')) return 'conflict';
    if (this.outcome === 'request-new-version') {
      const doc = m.docs[this.index % m.docs.length]!;
      if (doc.status !== 'VERIFIED') return 'invalid'; // nothing to replace, or asked already
    }
    return 'accepted';
  }
  apply(m: Model): void {
    m.review!.claimedBy = undefined;
    if (this.outcome === 'decline') {
      m.stage = 'DECLINED';
    } else if (this.outcome === 'approve') {
      // Verified again at the decision: a revoked current document is never approved, and shows REVOKED.
      for (const doc of m.docs) if (m.revoked.has(doc.currentHash!)) doc.status = 'REVOKED';
      m.stage = m.docs.some((d) => d.status === 'REVOKED') ? 'DECLINED' : 'APPROVED';
    } else {
      const doc = m.docs[this.index % m.docs.length]!;
      doc.replacedHash = doc.currentHash;
      doc.currentHash = undefined;
      doc.status = 'AWAITING';
      m.stage = 'AWAITING_REPORT';
      m.reportBy = m.now + REPORT_DEADLINE;
    }
  }
  send(m: Model, r: Real): Promise<unknown> {
    const outcome: ReviewOutcome =
      this.outcome === 'approve'
        ? { kind: 'approve', recommendedLimit: { amount: '50000.00', currency: 'HKD' } }
        : this.outcome === 'decline'
          ? { kind: 'decline', reasonCodes: ['MODEL'] }
          : {
              kind: 'request-new-version',
              documentKey: m.docs[this.index % m.docs.length]!.key,
              reason: 'illegible',
            };
    return r.actions.decide(this.actor, outcome);
  }
  toString(): string {
    return `decide(${this.outcome}${this.outcome === 'request-new-version' ? ` #${this.index}` : ''})`;
  }
}

class Revoke extends Step {
  constructor(readonly index: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const hash = m.docs[this.index % m.docs.length]!.currentHash;
    if (hash) {
      m.revoked.add(hash);
      r.ledger.documents[hash] = Verdict.REVOKED;
    }
    await compare(m, r, this.toString());
  }
  toString(): string {
    return `ledger revokes #${this.index}`;
  }
}

class Wait extends Step {
  constructor(readonly hours: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    // 17 minutes past the hour: never on a deadline (whole hours from a step).
    const ms = this.hours * HOUR + 17 * 60_000;
    advance(m, ms);
    await sleepThroughStalls(r.env, ms);
    await compare(m, r, this.toString());
  }
  toString(): string {
    return `wait(${this.hours}h17m)`;
  }
}

// ---- comparing ----

function viewOf(state: ApplicationState) {
  const inReview = state.stage === 'IN_REVIEW';
  return {
    stage: state.stage,
    ...(inReview && { round: state.review?.round, claimedBy: state.review?.claimedBy ?? null }),
    documents: (state.documents?.documents ?? []).map((d) => `${d.key}:${d.status}:${d.versions}`),
  };
}

function expectedView(m: Model) {
  return {
    stage: m.stage,
    ...(m.stage === 'IN_REVIEW' && { round: m.review!.round, claimedBy: m.review!.claimedBy ?? null }),
    documents: m.docs.map((d) => `${d.key}:${d.status}:${d.versions}`),
  };
}

async function compare(m: Model, r: Real, step: string): Promise<void> {
  traceLine(`${r.handle.workflowId}: ${step} → ${m.stage}`);
  const expected = JSON.stringify(expectedView(m));
  let actual = '';
  for (let attempt = 0; attempt < 120; attempt++) {
    const state = await stateWithin(r.env, r.handle, 5_000);
    if (!state) continue;
    actual = JSON.stringify(viewOf(state));
    if (actual === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`after ${step}: the model says ${expected}, the workflow ${actual}`);
}

// ---- the property ----

const index = fc.integer({ min: 0, max: 7 });
const step = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        index,
        n: fc.integer({ min: 1, max: 3 }),
        variant: fc.constantFrom<Variant>('good', 'good', 'good', 'outside-consent', 'replaced-again'),
      })
      .map(({ index: i, n, variant }) => new SubmitDocument(i, n, variant)),
  },
  { weight: 4, arbitrary: fc.constantFrom(alice, carol).map((actor) => new Claim(actor)) },
  {
    weight: 5,
    arbitrary: fc
      .record({
        outcome: fc.constantFrom<Outcome>('approve', 'decline', 'request-new-version', 'request-new-version'),
        index,
      })
      .map(({ outcome, index: i }) => new Decide(outcome, i)),
  },
  { weight: 1, arbitrary: index.map((i) => new Revoke(i)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(1, 30, 200, 400).map((hours) => new Wait(hours)),
  },
);

describe('loanApplicationWorkflow: a document set against its reference model', () => {
  let env: TestWorkflowEnvironment;
  let bundle: { code: string };

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), testWorkflowBundle()]);
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it(`follows the document-set rules over ${RUNS} random sequences`, async () => {
    const fake = fakeActivities();
    const taskQueue = 'loan-documents-model';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: fake.activities,
    });
    await worker.runUntil(
      fc.assert(
        fc.asyncProperty(
          // How many documents the loan system submits before the random steps (8: review).
          fc.constantFrom(0, 3, 8, 8, 8),
          fc.commands([step], { maxCommands: 20, size: 'max' }),
          async (submitted, commands) => {
            const application = applicationInput({
              applicantType: 'company',
              policy: setPolicyFor(),
              // A short history per run, so sequences cross continue-as-new.
              eventsPerRun: 80,
            });
            // Each sequence's ledger starts with nothing revoked (the same keys and hashes recur).
            fake.ledger.documents = {};
            const handle = await env.client.workflow.start(LOAN_APPLICATION_WORKFLOW, {
              taskQueue,
              workflowId: applicationWorkflowId(application.tenant, application.applicationId),
              args: [application],
            });
            try {
              const actions = actionsOn(env, handle);
              const consented = await actions.documentConsent(consent, loanSystem);
              const model: Model = {
                now: 0,
                stage: 'AWAITING_REPORT',
                reportBy: REPORT_DEADLINE,
                docs: consented.documents!.documents.map((d) => ({
                  key: d.key,
                  kind: d.kind,
                  ...(d.month && { month: d.month }),
                  status: 'AWAITING',
                  versions: 0,
                })),
                revoked: new Set(),
              };
              const real: Real = { env, handle, actions, ledger: fake.ledger };
              for (let i = 0; i < submitted; i++) await new SubmitDocument(i, 1, 'good').run(model, real);
              await fc.asyncModelRun(() => ({ model, real }), commands);
            } finally {
              await closeQuietly(handle);
            }
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      ),
    );
  }, 600_000);
});
