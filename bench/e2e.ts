/**
 * `npm run bench:e2e`: loan applications driven end to end through lendbridge's HTTP API, against
 * bare Temporal workflows of the same shape, on one Temporal dev server in one run.
 *
 * The stack is started the way `npm run dev` starts it, on free ports and in memory: the Temporal
 * dev server, anvil with both registries, then the built API and worker (`npm run build`) as child
 * processes, plus a child worker for the baseline (bench/e2e/bare-worker.ts, its own task queue).
 * Each lendbridge application: create, consent, the hash of a report anchored (in one Merkle batch,
 * before the clock starts) by the HK agency, verification on anvil, a bot reviewer that claims and
 * approves through the API when the in-review webhook arrives, the decision, and the decided
 * webhook at a receiver that checks signatures. Each baseline application: `workflow.start`, the
 * same four updates through @temporalio/client, no-op activities, the workflow's result. Then a
 * company journey on the same stack: a southbound SME's eight documents (issue 15), each submitted
 * by its hash with its batch proof and verified on anvil, then the same review and decision.
 *
 * Writes bench/results/e2e.json, or e2e-quick.json with `--quick` (50 applications). `--cluster`
 * runs on the production topology instead (PostgreSQL + the Temporal server, tools/stack/
 * temporal-cluster.ts) and writes e2e-cluster(-quick).json. Options:
 * `--applications <n>`, `--concurrency <n>` (in flight at once, default 20), `--warmup <n>`,
 * `--no-build` (reuse dist/ as it is). CPU and memory of every process come from /proc.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { signDevToken } from '#api/auth/dev-token';
import { lendbridgeDataConverter } from '#codec';
import { loadConfig, type LendbridgeConfig } from '#config';
import { type ApplicationState } from '#domain';
import { anchorReports, type AnchoredReport } from '#stack/anchored-reports';
import { REPO_ROOT } from '#stack/contracts';
import { baseEnv, pollerPresent } from '#stack/lendbridge-apps';
import {
  anchorCompanyDocuments,
  companyCreateBody,
  consentBody,
  createBody,
  creditReportBody,
  documentBodies,
  documentConsentBody,
  RECOMMENDED_LIMIT,
  REQUESTED_LIMIT,
  type CompanyDocuments,
} from '#stack/load-requests';
import { runningProcesses, runToCompletion, spawnManaged, waitUntil, type ManagedProcess } from '#stack/processes';
import { Stack } from '#stack/stack';
import { stopOnSignals } from '#stack/stop-signals';
import { type WebhookInbox } from '#stack/webhook-receiver';
import {
  BARE_LOAN_WORKFLOW,
  bareClaimReview,
  bareCompleteReview,
  bareGrantConsent,
  bareSubmitCreditReport,
  type BareInput,
} from './e2e/bare-loan.workflow.js';
import { bundleBareWorkflow } from './e2e/bare-worker.js';
import { ProcSampler, type ProcUsage } from './e2e/proc-sampler.js';

// ---------------------------------------------------------------------------------------------
// Settings

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
function intOption(name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} wants a whole number`);
  return value;
}
const APPLICATIONS = Math.max(1, intOption('applications', quick ? 50 : 500));
const CONCURRENCY = Math.max(1, intOption('concurrency', 20));
const WARMUP = intOption('warmup', quick ? 10 : 20);
const BUILD = !argv.includes('--no-build');
/** `dev`: the Temporal dev server in memory; `cluster`: PostgreSQL + the Temporal server (issue 8's topology). */
const TOPOLOGY = argv.includes('--cluster') ? 'cluster' : 'dev';
/** Histories fetched to count events per workflow (spread evenly over the run). */
const HISTORY_SAMPLE = Math.min(APPLICATIONS, 50);
/** One application that takes longer than this counts as failed. */
const APP_TIMEOUT_MS = 120_000;
const TARGET_RATIO = 0.8;
const TARGET_START_P99_FACTOR = 1.5;

const NAMESPACE = 'default';
const TENANT = 'bank-a';
const RUN_ID = new Date()
  .toISOString()
  .replace(/[-:TZ]/g, '')
  .replace('.', '-')
  .slice(0, 18);
const LENDBRIDGE_TASK_QUEUE = `bench-lendbridge-${RUN_ID}`;
const BARE_TASK_QUEUE = `bench-bare-${RUN_ID}`;

const log = (message: string): void => console.error(`[bench:e2e] ${message}`);
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

// ---------------------------------------------------------------------------------------------
// Stopping: every process started here stops at the end, on an error, and on Ctrl-C.

let stopping = false;
let signalled = false;
let stopped: Promise<void> | undefined;
const closers: (() => Promise<unknown> | void)[] = [];

function stopEverything(): Promise<void> {
  stopping = true;
  stopped ??= (async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch {
        // closing what is already gone is not worth reporting
      }
    }
    for (const proc of runningProcesses()) await proc.stop(5_000);
  })();
  return stopped;
}

stopOnSignals((signal) => {
  signalled = true;
  log(`${signal}: stopping every process (again to force)`);
  void stopEverything().finally(() => process.exit(130));
}, log);

// ---------------------------------------------------------------------------------------------
// The stack

interface BenchStack {
  apiUrl: string;
  config: LendbridgeConfig;
  connection: Connection;
  /** With lendbridge's codec: reads results of lendbridge workflows. */
  codecClient: Client;
  /** The baseline's client: Temporal's default data converter, nothing else. */
  bareClient: Client;
  inbox: WebhookInbox;
  sampler: ProcSampler;
  /** Rejects when a process of the stack exits on its own. */
  crashed: Promise<never>;
}

async function startStack(): Promise<BenchStack> {
  if (BUILD) {
    log('building the API and the worker (npm run build; --no-build skips it)');
    await runToCompletion('build', 'npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, output: 'silent' });
  }
  log(`starting the stack on the ${TOPOLOGY === 'cluster' ? 'production topology' : 'dev server (in memory)'}`);
  const lendbridge = await Stack.start({
    label: `bench-${RUN_ID}`,
    topology: TOPOLOGY,
    workers: 1,
    apis: 1,
    namespace: NAMESPACE,
    taskQueue: LENDBRIDGE_TASK_QUEUE,
    inMemory: true,
    webhookReceiver: true,
    extra: {
      // Every request comes from 127.0.0.1: the per-address limit (1,200 a minute) would throttle the driver.
      API_RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    },
    onAppExit: 'fail',
    output: 'silent',
    log,
  });
  closers.push(() => lendbridge.stop());
  const { connection, webhooks: inbox } = lendbridge;
  const config = loadConfig(lendbridge.workerVars);

  // Bundled here, before the clock starts, as `npm run build` bundles lendbridge's workflows.
  const bundleDir = mkdtempSync(join(tmpdir(), 'lendbridge-bench-'));
  closers.push(() => rmSync(bundleDir, { recursive: true, force: true }));
  const bareBundle = join(bundleDir, 'bare-workflow-bundle.js');
  writeFileSync(bareBundle, await bundleBareWorkflow());

  log('starting the baseline worker');
  // The same tuning as lendbridge's worker, read from the same configuration.
  const bareWorker = spawnManaged(
    'bare-worker',
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'e2e', 'bare-worker.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...baseEnv(),
        BENCH_TEMPORAL_ADDRESS: lendbridge.temporalAddress,
        BENCH_NAMESPACE: NAMESPACE,
        BENCH_TASK_QUEUE: BARE_TASK_QUEUE,
        BENCH_WORKFLOW_BUNDLE: bareBundle,
        BENCH_MAX_CONCURRENT_ACTIVITIES: String(config.worker.maxConcurrentActivities),
        BENCH_MAX_CONCURRENT_WORKFLOW_TASKS: String(config.worker.maxConcurrentWorkflowTasks),
        BENCH_MAX_CACHED_WORKFLOWS: String(config.worker.maxCachedWorkflows),
      },
      output: 'silent',
    },
  );
  closers.push(() => bareWorker.stop(5_000));
  await waitUntil(
    'the worker to poll its task queue',
    () => pollerPresent(connection, NAMESPACE, LENDBRIDGE_TASK_QUEUE),
    { timeoutMs: 60_000, proc: lendbridge.allProcesses().find((proc) => proc.name === 'worker-0') },
  );
  await waitUntil(
    'the baseline worker to poll its task queue',
    () => pollerPresent(connection, NAMESPACE, BARE_TASK_QUEUE),
    { timeoutMs: 120_000, proc: bareWorker },
  );

  const stack: ManagedProcess[] = [...lendbridge.allProcesses(), bareWorker];
  const crashed = new Promise<never>((_, reject) => {
    const crash = (error: Error): void => {
      inbox.failAll(error);
      reject(error);
    };
    lendbridge.failed.catch((error: unknown) => crash(error instanceof Error ? error : new Error(String(error))));
    void bareWorker.exited.then((code) => {
      if (!stopping)
        crash(new Error(`${bareWorker.name} exited unexpectedly (${code}):\n${bareWorker.recentOutput()}`));
    });
  });
  crashed.catch(() => undefined); // raced by each phase; unobserved until then

  const sampler = new ProcSampler(500);
  // One API and one worker: reported as `api` and `worker`, as in earlier results.
  const reportedName = (name: string): string => ({ 'api-0': 'api', 'worker-0': 'worker' })[name] ?? name;
  for (const proc of stack) sampler.track(reportedName(proc.name), proc.child.pid);
  sampler.track('bench', process.pid);
  sampler.start();
  closers.push(() => sampler.stop());

  return {
    apiUrl: lendbridge.apiUrls[0]!,
    config,
    connection,
    codecClient: new Client({ connection, namespace: NAMESPACE, dataConverter: lendbridgeDataConverter(config.codec) }),
    bareClient: new Client({ connection, namespace: NAMESPACE }),
    inbox,
    sampler,
    crashed,
  };
}

// ---------------------------------------------------------------------------------------------
// One application each way

interface Timing {
  startMs: number;
  endToEndMs: number;
  workflowId: string;
  /** Milliseconds of each step, in order; they add up to endToEndMs. */
  steps: Record<string, number>;
}

/** Times consecutive steps from `t0`: `lap(name)` closes the step that ended now (or at `at`). */
function stepClock(t0: number): { lap(name: string, at?: number): number; steps: Record<string, number> } {
  const steps: Record<string, number> = {};
  let mark = t0;
  return {
    steps,
    lap(name, at = performance.now()) {
      steps[name] = at - mark;
      mark = at;
      return at - t0;
    },
  };
}

interface Drivers {
  lendbridge(id: string, report: AnchoredReport): Promise<Timing>;
  /** A southbound company on its document set: 1 corporate report + 6 statements + 1 owner report. */
  company(id: string, documents: CompanyDocuments): Promise<Timing>;
  bare(id: string, report: AnchoredReport): Promise<Timing>;
}

function drivers(stack: BenchStack, tokens: { loanSystem: string; reviewer: string }): Drivers {
  const call = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const expected = method === 'POST' && path === '/v1/applications' ? 201 : 200;
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  };

  /**
   * One application over HTTP: create, consent, what the loan system sends for it (timed as it
   * says), then the bot reviewer, who acts when lendbridge says the task is open (as a reviewer
   * would on a notification), and the decided webhook.
   */
  const throughTheApi = async (
    id: string,
    create: object,
    consent: object,
    send: (clock: ReturnType<typeof stepClock>) => Promise<void>,
  ): Promise<Timing> => {
    const workflowId = `loan/${TENANT}/${id}`;
    const clock = stepClock(performance.now());
    await call('POST', '/v1/applications', tokens.loanSystem, create);
    const startMs = clock.lap('create');
    await call('POST', `/v1/applications/${id}/consent`, tokens.loanSystem, consent);
    clock.lap('consent');
    await send(clock);
    await stack.inbox.next(workflowId, 'application.in-review', APP_TIMEOUT_MS);
    clock.lap('untilInReviewWebhook');
    const task = `/v1/review-tasks/${TENANT}/${id}`;
    await call('POST', `${task}/claim`, tokens.reviewer);
    clock.lap('claim');
    await call('POST', `${task}/decision`, tokens.reviewer, {
      outcome: 'approve',
      recommendedLimit: RECOMMENDED_LIMIT,
    });
    clock.lap('approve');
    const decided = await stack.inbox.next(workflowId, 'application.decided', APP_TIMEOUT_MS);
    const outcome = (decided.data.decision as { outcome?: string } | undefined)?.outcome;
    if (outcome !== 'APPROVED') throw new Error(`${workflowId} was decided ${String(outcome)}, not APPROVED`);
    const endToEndMs = clock.lap('untilDecidedWebhook', decided.at);
    return { startMs, endToEndMs, workflowId, steps: clock.steps };
  };

  return {
    lendbridge: (id, report) =>
      throughTheApi(id, createBody(id), consentBody('bench consent text v1'), async (clock) => {
        await call('POST', `/v1/applications/${id}/credit-report`, tokens.loanSystem, creditReportBody(report));
        clock.lap('report');
      }),

    company: (id, documents) =>
      throughTheApi(id, companyCreateBody(id), documentConsentBody('bench consent v2'), async (clock) => {
        // One after the other, as a loan system forwards them: each is verified as it arrives.
        for (const document of documentBodies(documents)) {
          await call('POST', `/v1/applications/${id}/documents`, tokens.loanSystem, document);
        }
        clock.lap('documents');
      }),

    async bare(id, report) {
      const workflowId = `bench-bare/${id}`;
      const input: BareInput = { workflowId, amount: REQUESTED_LIMIT.amount };
      const t0 = performance.now();
      const clock = stepClock(t0);
      const handle = await stack.bareClient.workflow.start(BARE_LOAN_WORKFLOW, {
        taskQueue: BARE_TASK_QUEUE,
        workflowId,
        args: [input],
      });
      const startMs = clock.lap('start');
      await handle.executeUpdate(bareGrantConsent, { args: [{ actor: 'los-bank-a' }] });
      clock.lap('consent');
      await handle.executeUpdate(bareSubmitCreditReport, {
        args: [{ actor: 'los-bank-a', reportHash: report.reportHash }],
      });
      clock.lap('report');
      // Returns once the workflow is in review (verification done): the bare counterpart of
      // lendbridge's wait for the in-review webhook plus its claim.
      await handle.executeUpdate(bareClaimReview, { args: [{ actor: 'bench-reviewer' }] });
      clock.lap('untilInReviewAndClaim');
      await handle.executeUpdate(bareCompleteReview, { args: [{ actor: 'bench-reviewer', approve: true }] });
      clock.lap('approve');
      const outcome = (await handle.result()) as unknown;
      if (outcome !== 'APPROVED') throw new Error(`${workflowId} ended ${String(outcome)}, not APPROVED`);
      const endToEndMs = clock.lap('untilResult');
      return { startMs, endToEndMs, workflowId, steps: clock.steps };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A phase: `count` applications, at most CONCURRENCY in flight

interface Phase {
  seconds: number;
  perSec: number;
  starts: number[];
  endToEnds: number[];
  workflowIds: string[];
  /** p50 and p99 of each step, in ms. */
  steps: Record<string, { p50Ms: number; p99Ms: number }>;
  errors: string[];
  usage: Record<string, ProcUsage>;
}

async function runPhase(
  stack: BenchStack,
  label: string,
  count: number,
  drive: (i: number) => Promise<Timing>,
): Promise<Phase> {
  const timings: Timing[] = [];
  const errors: string[] = [];
  let next = 0;
  let inFlight = 0;
  const began = performance.now();
  const cpuBefore = new Map<string, number>();
  let tickAt = began;
  const progress = (): void => {
    if (stopping) return;
    const now = performance.now();
    const seconds = (now - began) / 1000;
    const processes = ['worker', 'api', 'bare-worker', 'temporal', 'temporal-server', 'postgres', 'anvil', 'bench']
      .map((name) => {
        const reading = stack.sampler.last(name);
        if (!reading) return undefined;
        const before = cpuBefore.get(name);
        cpuBefore.set(name, reading.cpuSeconds);
        const cpu =
          before === undefined || now <= tickAt
            ? '-'
            : Math.round(((reading.cpuSeconds - before) / ((now - tickAt) / 1000)) * 100);
        return `${name} ${cpu}% ${Math.round(reading.rssMb)} MB`;
      })
      .filter(Boolean)
      .join(', ');
    tickAt = now;
    const done = timings.length + errors.length;
    log(
      `${label}: ${done}/${count} done, ${inFlight} in flight, ${errors.length} failed, ` +
        `${(timings.length / seconds).toFixed(1)}/s | ${processes}`,
    );
  };
  stack.sampler.beginWindow();
  progress();
  const ticker = setInterval(progress, 2_000);
  const lane = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      inFlight += 1;
      try {
        timings.push(await drive(i));
      } catch (error) {
        errors.push(`#${i}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        inFlight -= 1;
      }
    }
  };
  try {
    await Promise.race([Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane)), stack.crashed]);
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - began) / 1000;
  const usage = stack.sampler.endWindow();
  progress();
  return {
    seconds,
    perSec: timings.length / seconds,
    starts: timings.map((t) => t.startMs).sort((a, b) => a - b),
    endToEnds: timings.map((t) => t.endToEndMs).sort((a, b) => a - b),
    workflowIds: timings.map((t) => t.workflowId),
    steps: Object.fromEntries(
      Object.keys(timings[0]?.steps ?? {}).map((step) => {
        const values = timings.map((t) => t.steps[step] ?? NaN).sort((a, b) => a - b);
        return [step, { p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)) }];
      }),
    ),
    errors,
    usage,
  };
}

function cpuMsPerApp(phase: Phase): number {
  const cpuSeconds = Object.entries(phase.usage)
    .filter(([name]) => name !== 'bench')
    .reduce((sum, [, usage]) => sum + usage.cpuSeconds, 0);
  return round((cpuSeconds * 1000) / Math.max(1, phase.workflowIds.length));
}

/** Mean number of history events of `sample` workflows, spread evenly over the ids given. */
async function meanHistoryEvents(client: Client, workflowIds: string[], waitForResult: boolean): Promise<number> {
  const sample = Array.from(
    { length: Math.min(HISTORY_SAMPLE, workflowIds.length) },
    (_, k) => workflowIds[Math.floor((k * workflowIds.length) / Math.min(HISTORY_SAMPLE, workflowIds.length))]!,
  );
  let events = 0;
  for (const workflowId of sample) {
    const handle = client.workflow.getHandle(workflowId);
    // lendbridge's decided webhook comes one workflow task before the workflow completes.
    if (waitForResult) {
      const state = (await handle.result()) as ApplicationState;
      if (state.stage !== 'APPROVED') throw new Error(`${workflowId} completed ${state.stage}, not APPROVED`);
    }
    events += (await handle.fetchHistory()).events?.length ?? 0;
  }
  return sample.length ? events / sample.length : NaN;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  log(
    `${APPLICATIONS} applications each way${quick ? ' (--quick)' : ''}, ${CONCURRENCY} in flight, ` +
      `${WARMUP} warm-up each way first; run ${RUN_ID}`,
  );
  const stack = await startStack();

  log(`anchoring ${APPLICATIONS + WARMUP} report hashes in one Merkle batch (setup, not measured)`);
  const reports = await anchorReports(stack.config.ledger, APPLICATIONS + WARMUP, `bench ${RUN_ID}`);
  log(`anchoring ${APPLICATIONS + WARMUP} companies' documents: two agency batches and one bank batch (setup)`);
  const companies = await anchorCompanyDocuments(stack.config.ledger, APPLICATIONS + WARMUP, `bench ${RUN_ID}`);
  const secret = stack.config.auth.jwtSecret!;
  const tokens = {
    loanSystem: `Bearer ${await signDevToken(secret, { sub: 'los-bank-a', roles: ['loan-system'], tenant: TENANT }, { expiresIn: '12h' })}`,
    reviewer: `Bearer ${await signDevToken(secret, { sub: 'bench-reviewer', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] }, { expiresIn: '12h' })}`,
  };
  const drive = drivers(stack, tokens);

  if (WARMUP > 0) {
    log(`warming up: ${WARMUP} applications each way (not measured)`);
    const warmBare = await runPhase(stack, 'warm-up baseline', WARMUP, (i) =>
      drive.bare(`${RUN_ID}-W${i}`, reports[APPLICATIONS + i]!),
    );
    const warmLendbridge = await runPhase(stack, 'warm-up lendbridge', WARMUP, (i) =>
      drive.lendbridge(`E2E-${RUN_ID}-W${i}`, reports[APPLICATIONS + i]!),
    );
    const warmCompany = await runPhase(stack, 'warm-up company', WARMUP, (i) =>
      drive.company(`E2E-${RUN_ID}-CW${i}`, companies[APPLICATIONS + i]!),
    );
    const warmErrors = [...warmBare.errors, ...warmLendbridge.errors, ...warmCompany.errors];
    if (warmErrors.length > 0) throw new Error(`the warm-up failed:\n${warmErrors.slice(0, 5).join('\n')}`);
  }

  // The baseline first: the server holds more history when lendbridge runs, which can only slow
  // lendbridge down, never flatter it.
  const bare = await runPhase(stack, 'baseline', APPLICATIONS, (i) => drive.bare(`${RUN_ID}-${i}`, reports[i]!));
  const lendbridge = await runPhase(stack, 'lendbridge', APPLICATIONS, (i) =>
    drive.lendbridge(`E2E-${RUN_ID}-${i}`, reports[i]!),
  );

  const company = await runPhase(stack, 'lendbridge company', APPLICATIONS, (i) =>
    drive.company(`E2E-${RUN_ID}-C${i}`, companies[i]!),
  );

  log(`counting history events of ${HISTORY_SAMPLE} workflows each way`);
  const lendbridgeEvents = await meanHistoryEvents(stack.codecClient, lendbridge.workflowIds, true);
  const companyEvents = await meanHistoryEvents(stack.codecClient, company.workflowIds, true);
  const bareEvents = await meanHistoryEvents(stack.bareClient, bare.workflowIds, false);

  const startP99 = percentile(lendbridge.starts, 99);
  const baselineStartP99 = percentile(bare.starts, 99);
  const ratio = lendbridge.perSec / bare.perSec;
  const ratioMet = ratio >= TARGET_RATIO;
  const startMet = startP99 <= TARGET_START_P99_FACTOR * baselineStartP99;
  const result = {
    applications: APPLICATIONS,
    throughputPerSec: round(lendbridge.perSec, 2),
    baselinePerSec: round(bare.perSec, 2),
    ratio: round(ratio, 3),
    startP50Ms: round(percentile(lendbridge.starts, 50)),
    startP99Ms: round(startP99),
    baselineStartP99Ms: round(baselineStartP99),
    endToEndP50Ms: round(percentile(lendbridge.endToEnds, 50)),
    endToEndP99Ms: round(percentile(lendbridge.endToEnds, 99)),
    stateTransitionsPerApp: round(lendbridgeEvents),
    workerRssMb: lendbridge.usage.worker?.rssPeakMb ?? NaN,
    targets: {
      ratio: { target: `>= ${TARGET_RATIO}`, value: round(ratio, 3), met: ratioMet },
      startP99: {
        target: `<= ${TARGET_START_P99_FACTOR} x baseline start p99`,
        limitMs: round(TARGET_START_P99_FACTOR * baselineStartP99),
        valueMs: round(startP99),
        met: startMet,
      },
    },
    baseline: {
      startP50Ms: round(percentile(bare.starts, 50)),
      startP99Ms: round(baselineStartP99),
      endToEndP50Ms: round(percentile(bare.endToEnds, 50)),
      endToEndP99Ms: round(percentile(bare.endToEnds, 99)),
      stateTransitionsPerApp: round(bareEvents),
    },
    /**
     * The company journey (issue 15): one company per application with 8 documents (a corporate
     * report, 6 monthly statements from one bank batch, the owner's report), each verified on the
     * ledger as it arrives and again at the decision. Same stack, same run, after the person one.
     */
    company: {
      documentsPerApp: 8,
      throughputPerSec: round(company.perSec, 2),
      startP50Ms: round(percentile(company.starts, 50)),
      startP99Ms: round(percentile(company.starts, 99)),
      endToEndP50Ms: round(percentile(company.endToEnds, 50)),
      endToEndP99Ms: round(percentile(company.endToEnds, 99)),
      historyEventsPerApp: round(companyEvents),
      stackCpuMsPerApp: cpuMsPerApp(company),
      workerRssMb: company.usage.worker?.rssPeakMb ?? NaN,
      phaseSeconds: round(company.seconds, 2),
      failed: company.errors.length,
      steps: company.steps,
    },
    /** Where the time goes: p50 and p99 of each step of one application (lendbridge over HTTP, baseline through the client). */
    steps: { lendbridge: lendbridge.steps, baseline: bare.steps },
    /**
     * CPU milliseconds the stack (every process but the driver) spent per application: what an
     * application costs, whether or not the throughput above is bound by latency rather than CPU.
     */
    stackCpuMsPerApp: { lendbridge: cpuMsPerApp(lendbridge), baseline: cpuMsPerApp(bare) },
    phaseSeconds: { baseline: round(bare.seconds, 2), lendbridge: round(lendbridge.seconds, 2) },
    failed: { baseline: bare.errors.length, lendbridge: lendbridge.errors.length },
    /** Per process and phase: CPU used (percent of one core, mean over the phase) and RSS. */
    processes: { baseline: bare.usage, lendbridge: lendbridge.usage },
    webhooks: { requests: stack.inbox.requests, badSignatures: stack.inbox.badSignatures },
    run: {
      topology: TOPOLOGY,
      quick,
      concurrency: CONCURRENCY,
      warmup: WARMUP,
      historySample: HISTORY_SAMPLE,
      stateTransitions: 'mean history events per workflow, over the sample',
      cpus: availableParallelism(),
      node: process.version,
      at: startedAt.toISOString(),
    },
  };

  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  // A quick run must not overwrite the full-size results BENCHMARKS.md will quote.
  const name = `e2e${TOPOLOGY === 'cluster' ? '-cluster' : ''}${quick ? '-quick' : ''}.json`;
  const file = join(REPO_ROOT, 'bench', 'results', name);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));

  const usageLine = (usage: Record<string, ProcUsage>): string =>
    Object.entries(usage)
      .map(([name, u]) => `${name} ${u.cpuPercent}% CPU, ${u.rssPeakMb} MB peak`)
      .join('; ');
  log(`written to ${file}`);
  log(`lendbridge: ${result.throughputPerSec}/s; baseline: ${result.baselinePerSec}/s`);
  log(`  processes during lendbridge: ${usageLine(lendbridge.usage)}`);
  log(`  processes during baseline:   ${usageLine(bare.usage)}`);
  log(`TARGET ${ratioMet ? 'MET   ' : 'MISSED'} ratio ${result.ratio} (target >= ${TARGET_RATIO})`);
  log(
    `TARGET ${startMet ? 'MET   ' : 'MISSED'} start p99 ${result.startP99Ms} ms ` +
      `(target <= ${TARGET_START_P99_FACTOR} x baseline ${result.baselineStartP99Ms} ms = ${result.targets.startP99.limitMs} ms)`,
  );
  log(
    `company (8 documents): ${result.company.throughputPerSec}/s, end to end p50 ${result.company.endToEndP50Ms} ms, ` +
      `${result.company.historyEventsPerApp} history events and ${result.company.stackCpuMsPerApp} ms stack CPU per application`,
  );
  const errors = [
    ...bare.errors.map((e) => `baseline ${e}`),
    ...lendbridge.errors.map((e) => `lendbridge ${e}`),
    ...company.errors.map((e) => `company ${e}`),
  ];
  if (errors.length > 0) {
    log(`${errors.length} applications failed; the figures above leave them out:`);
    for (const error of errors.slice(0, 10)) log(`  ${error}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  if (!stopping) {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await stopEverything();
}
process.exit(signalled ? 130 : (process.exitCode ?? 0));
