/**
 * `npm run bench:scale`: 10,000 loan applications parked in review, then what a reviewer's inbox
 * costs and what the worker holds in memory with that many open workflows.
 *
 * The stack is tools/stack/stack.ts's (as `npm run test:chaos` runs it): the Temporal dev
 * server on SQLite, anvil with both registries, a webhook receiver, and the built API and worker
 * (`npm run build`) as child processes, one of each. The HK agency anchors the reports first, one
 * Merkle batch per 1,000 (setup, not timed). Then a loan system (bench/scale/park-driver.ts) drives
 * each application through the HTTP API, `--concurrency` at a time: create, consent, the report's
 * hash with its batch proof, and the wait for the in-review webhook. Nobody reviews.
 *
 * With all of them parked: a forced idle, then `GET /v1/review-tasks` of an HK reviewer (warm-up
 * calls, then sequential timed calls: the first page, the next page, the largest page), a senior
 * reviewer's inbox filtered to the (empty) senior queue, the inbox's visibility query straight to
 * Temporal (what a row and a COUNT cost), reads of single applications, a phase of plain creates,
 * and a last idle for the worker's RSS at the end.
 * CPU and RSS of every process come from /proc; progress is printed every few seconds.
 *
 * Writes bench/results/scale.json, or scale-quick.json with `--quick` (1,000 applications).
 * Options: `--applications <n>`, `--concurrency <n>` (default 20), `--inbox-calls <n>` (100),
 * `--creates <n>` (plain creates, default 500, quick 100), `--idle <seconds>` (10), `--no-build`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '#api/auth/dev-token';
import { loadConfig } from '#config';
import { LOAN_APPLICATION_WORKFLOW } from '#domain';
import { anchorReports, type AnchoredReport } from '#stack/anchored-reports';
import { REPO_ROOT } from '#stack/contracts';
import { pollerPresent, workerEnv } from '#stack/lendbridge-apps';
import { runningProcesses, runToCompletion, waitUntil } from '#stack/processes';
import { LOAD_RUN, Stack } from '#stack/stack';
import { stopOnSignals } from '#stack/stop-signals';
import { ProcSampler, readProc, type ProcUsage } from './e2e/proc-sampler.js';
import { countWorkflows, measureCount, measureInbox, measureVisibility, type InboxRun } from './scale/inbox.js';
import { ParkingDriver, TENANT, type ParkTiming } from './scale/park-driver.js';
import { duration, round, summarize } from './scale/stats.js';

// ---------------------------------------------------------------------------------------------
// Settings

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
function intOption(name: string, fallback: number, minimum = 0): number {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name} wants a whole number >= ${minimum}`);
  return value;
}
const APPLICATIONS = intOption('applications', quick ? 1_000 : 10_000, 1);
const CONCURRENCY = intOption('concurrency', 20, 1);
const INBOX_CALLS = intOption('inbox-calls', 100, 1);
const INBOX_WARMUP = 5;
/** Calls for the next page, the largest page and the filtered inbox. */
const EXTRA_INBOX_CALLS = Math.max(1, Math.round(INBOX_CALLS / 2));
/** The most items one inbox page may hold (MAX_INBOX_LIMIT of libs/api/src/reviews/inbox.ts). */
const LARGE_PAGE = 100;
const VISIBILITY_CALLS = 20;
const APPLICATION_READS = 50;
const CREATES = intOption('creates', quick ? 100 : 500);
const IDLE_SECONDS = intOption('idle', 10);
const BUILD = !argv.includes('--no-build');
/** Reports per Merkle batch anchored by the agency. */
const ANCHOR_BATCH = 1_000;
/** The in-review webhook of one application must come within this; else it is read back. */
const IN_REVIEW_TIMEOUT_MS = 180_000;
/** The run gives up when more applications than this failed: the stack is not well. */
const MAX_FAILURES = Math.max(20, Math.ceil(APPLICATIONS * 0.02));
const PROGRESS_MS = 5_000;

const TARGET_WORKER_RSS_MB = 400;
const TARGET_INBOX_P95_MS = 250;

const NAMESPACE = 'default';
const RUN_ID = new Date()
  .toISOString()
  .replace(/[-:TZ.]/g, '')
  .slice(2, 14);
const WORKER = 'worker-0';
const API = 'api-0';

const log = (message: string): void => console.error(`[bench:scale] ${message}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Stopping: every process started here stops at the end, on an error, and on Ctrl-C.

let stack: Stack | undefined;
let starting: Promise<Stack> | undefined;
let sampler: ProcSampler | undefined;
let stopping = false;
let signalled = false;
let stopped: Promise<void> | undefined;

function stopEverything(): Promise<void> {
  stopping = true;
  stopped ??= (async () => {
    sampler?.stop();
    if (!stack && starting) {
      // Ctrl-C while the stack was starting: stop what runs, then let the start finish failing.
      for (const proc of runningProcesses()) await proc.stop(5_000);
      stack = await Promise.race([starting.catch(() => undefined), sleep(10_000).then(() => undefined)]);
    }
    try {
      await stack?.stop();
    } catch (error) {
      log(`stopping the stack: ${error instanceof Error ? error.message : String(error)}`);
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
// CPU and memory: windows per phase (ProcSampler) and a line for progress messages

/** Names and pids of the stack's processes plus this one; a restarted process gets its new pid. */
function trackedPids(): Record<string, number | undefined> {
  return { ...(stack?.pids() ?? {}), bench: process.pid };
}

function track(): void {
  for (const [name, pid] of Object.entries(trackedPids())) sampler?.track(name, pid);
}

/** CPU% of each process since the previous call (percent of one core) and its RSS now. */
function usageMeter(): () => string {
  let previous = new Map<string, { at: number; cpuSeconds: number }>();
  const read = (): Map<string, { at: number; cpuSeconds: number; rssMb: number }> => {
    const now = performance.now();
    const readings = new Map<string, { at: number; cpuSeconds: number; rssMb: number }>();
    for (const [name, pid] of Object.entries(trackedPids())) {
      const reading = pid ? readProc(pid) : undefined;
      if (reading) readings.set(name, { at: now, ...reading });
    }
    return readings;
  };
  previous = read();
  return () => {
    const readings = read();
    const parts = [...readings].map(([name, reading]) => {
      const before = previous.get(name);
      const cpu =
        before && reading.at > before.at
          ? `${Math.round(((reading.cpuSeconds - before.cpuSeconds) / ((reading.at - before.at) / 1000)) * 100)}%`
          : '-';
      return `${name} ${cpu} ${Math.round(reading.rssMb)} MB`;
    });
    previous = readings;
    return parts.join(', ');
  };
}

function rssNow(): Record<string, number> {
  const rss: Record<string, number> = {};
  for (const [name, pid] of Object.entries(trackedPids())) {
    const reading = pid ? readProc(pid) : undefined;
    if (reading) rss[name] = round(reading.rssMb);
  }
  return rss;
}

const windows: Record<string, Record<string, ProcUsage>> = {};
async function inWindow<T>(name: string, work: () => Promise<T>): Promise<T> {
  track();
  sampler!.beginWindow();
  try {
    return await work();
  } finally {
    windows[name] = sampler!.endWindow();
  }
}

function usageSummary(usage: Record<string, ProcUsage>): string {
  return Object.entries(usage)
    .map(([name, u]) => `${name} ${u.cpuPercent}% CPU, ${u.rssPeakMb} MB peak`)
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Phases

interface ParkingResult {
  seconds: number;
  timings: ParkTiming[];
  parkedIds: string[];
  errors: string[];
  milestones: {
    parked: number;
    seconds: number;
    /** Applications parked per second since the previous milestone. */
    perSec: number;
    rssMb: Record<string, number>;
    /** The machine's 1-minute load average (its cores are shared with other work). */
    load1: number;
  }[];
}

async function park(driver: ParkingDriver, reports: AnchoredReport[]): Promise<ParkingResult> {
  const timings: ParkTiming[] = [];
  const parkedIds: string[] = [];
  const errors: string[] = [];
  const milestones: ParkingResult['milestones'] = [];
  const milestoneEvery = Math.max(1, Math.round(APPLICATIONS / 10));
  let next = 0;
  let inFlight = 0;
  let giveUp = false;
  const began = performance.now();
  let lastMilestone = { parked: 0, at: began };
  let lastTick = { parked: 0, at: began };
  const usage = usageMeter();

  const progress = (): void => {
    if (stopping) return;
    track();
    const now = performance.now();
    const seconds = (now - began) / 1000;
    const parked = timings.length;
    const rate = parked / Math.max(seconds, 0.001);
    const recent = (parked - lastTick.parked) / Math.max((now - lastTick.at) / 1000, 0.001);
    lastTick = { parked, at: now };
    const eta = rate > 0 ? (APPLICATIONS - parked - errors.length) / rate : NaN;
    log(
      `parking: ${parked}/${APPLICATIONS} in review (${Math.floor((parked / APPLICATIONS) * 100)}%), ` +
        `${inFlight} in flight, ${errors.length} failed, ${rate.toFixed(1)}/s (last ${Math.round(PROGRESS_MS / 1000)} s: ` +
        `${recent.toFixed(1)}/s), ${duration(seconds)} gone, ETA ${duration(eta)} | ${usage()}`,
    );
  };
  const ticker = setInterval(progress, PROGRESS_MS);

  const lane = async (): Promise<void> => {
    while (!giveUp && !stopping) {
      const i = next++;
      if (i >= APPLICATIONS) return;
      const applicationId = `SC-${RUN_ID}-${i}`;
      inFlight += 1;
      try {
        timings.push(await driver.park(applicationId, reports[i]!));
        parkedIds.push(applicationId);
        if (timings.length % milestoneEvery === 0 || timings.length === APPLICATIONS) {
          const now = performance.now();
          milestones.push({
            parked: timings.length,
            seconds: round((now - began) / 1000),
            perSec: round((timings.length - lastMilestone.parked) / ((now - lastMilestone.at) / 1000), 2),
            rssMb: rssNow(),
            load1: round(loadavg()[0] ?? NaN, 2),
          });
          lastMilestone = { parked: timings.length, at: now };
        }
      } catch (error) {
        errors.push(`${applicationId}: ${error instanceof Error ? error.message : String(error)}`);
        if (errors.length === 1 || errors.length % 10 === 0) log(`failed: ${errors[errors.length - 1]}`);
        if (errors.length > MAX_FAILURES) giveUp = true;
      } finally {
        inFlight -= 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, APPLICATIONS) }, lane));
  } finally {
    clearInterval(ticker);
  }
  progress();
  if (giveUp) throw new Error(`more than ${MAX_FAILURES} applications failed; first: ${errors[0]}`);
  return { seconds: (performance.now() - began) / 1000, timings, parkedIds, errors, milestones };
}

async function plainCreates(
  driver: ParkingDriver,
): Promise<{ seconds: number; latencies: number[]; errors: string[] }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const began = performance.now();
  const usage = usageMeter();
  const ticker = setInterval(() => {
    if (stopping) return;
    const seconds = (performance.now() - began) / 1000;
    log(
      `plain creates: ${latencies.length}/${CREATES}, ${errors.length} failed, ` +
        `${(latencies.length / seconds).toFixed(1)}/s | ${usage()}`,
    );
  }, PROGRESS_MS);
  const lane = async (): Promise<void> => {
    while (!stopping) {
      const i = next++;
      if (i >= CREATES) return;
      try {
        latencies.push(await driver.create(`SC-${RUN_ID}-C${i}`));
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, CREATES) }, lane));
  } finally {
    clearInterval(ticker);
  }
  return { seconds: (performance.now() - began) / 1000, latencies, errors };
}

async function idle(label: string): Promise<void> {
  if (IDLE_SECONDS === 0) return;
  log(`${label}: ${IDLE_SECONDS} s with no requests`);
  const usage = usageMeter();
  await sleep(IDLE_SECONDS * 1000);
  log(`  after the idle: ${usage()}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadavg().map((value) => round(value, 2));
  log(
    `${APPLICATIONS} applications to park in review${quick ? ' (--quick)' : ''}, ${CONCURRENCY} in flight; ` +
      `run ${RUN_ID}; load average ${loadAtStart.join(' ')} on ${availableParallelism()} cores`,
  );
  if (BUILD) {
    log('building the API and the worker (npm run build; --no-build skips it)');
    await runToCompletion('build', 'npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, output: 'silent' });
  }
  log('starting the stack: Temporal dev server (SQLite), anvil, webhook receiver, API, worker');
  starting = Stack.start({
    label: `scale-${RUN_ID}`,
    workers: 1,
    apis: 1,
    ...LOAD_RUN,
    log,
  });
  stack = await starting;
  const apiUrl = stack.apiUrls[0]!;
  const { connection } = stack;
  await waitUntil(
    'the worker to poll its task queue',
    () => pollerPresent(connection, NAMESPACE, stack!.settings.taskQueue),
    { timeoutMs: 60_000 },
  );
  sampler = new ProcSampler(1_000);
  track();
  sampler.start();
  // The worker's tuning as it read it (WORKER_MAX_* of this environment pass through to it).
  const { workflowBundle: _bundle, ...workerTuning } = loadConfig(
    workerEnv(stack.settings, { evidenceReferenceKey: stack.evidenceReferenceKey }),
  ).worker;
  log(`stack up: API ${apiUrl}, Temporal ${stack.settings.temporalAddress} | ${usageMeter()()}`);
  log(`worker tuning: ${JSON.stringify(workerTuning)}`);

  const batches = Math.ceil(APPLICATIONS / ANCHOR_BATCH);
  log(`anchoring ${APPLICATIONS} report hashes in ${batches} Merkle batch(es) of up to ${ANCHOR_BATCH}`);
  const reports: AnchoredReport[] = [];
  for (let b = 0; b < batches; b++) {
    const size = Math.min(ANCHOR_BATCH, APPLICATIONS - b * ANCHOR_BATCH);
    reports.push(...(await anchorReports(stack.ledger, size, `bench scale ${RUN_ID} batch ${b}`)));
    if (stopping) return;
    if ((b + 1) % 5 === 0 || b + 1 === batches) log(`  anchored ${b + 1}/${batches} batches`);
  }

  const secret = stack.jwtSecret;
  const sign = (claims: Parameters<typeof signDevToken>[1]): Promise<string> =>
    signDevToken(secret, claims, { expiresIn: '12h' }).then((token) => `Bearer ${token}`);
  const tokens = {
    loanSystem: await sign({ sub: 'los-bank-a', roles: ['loan-system'], tenant: TENANT }),
    reviewer: await sign({ sub: 'scale-reviewer', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] }),
    senior: await sign({ sub: 'scale-senior', roles: ['senior-reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] }),
  };
  const driver = new ParkingDriver(apiUrl, tokens.loanSystem, stack.webhooks, IN_REVIEW_TIMEOUT_MS);

  // 1. Park them all.
  const parking = await inWindow('parking', () => park(driver, reports));
  if (stopping) return;
  const parkedPerSec = parking.timings.length / parking.seconds;
  log(
    `parked ${parking.timings.length} in ${duration(parking.seconds)}: ${parkedPerSec.toFixed(2)}/s | ` +
      usageSummary(windows.parking!),
  );

  // 2. Visibility catches up; how many are open and in review.
  const workflowType = `WorkflowType = '${LOAN_APPLICATION_WORKFLOW}'`;
  const inReviewQuery = `${workflowType} AND LoanStage = 'IN_REVIEW'`;
  let inReview = await countWorkflows(connection, NAMESPACE, inReviewQuery);
  for (let i = 0; i < 30 && inReview.count < parking.timings.length; i++) {
    await sleep(1_000);
    inReview = await countWorkflows(connection, NAMESPACE, inReviewQuery);
  }
  const open = await countWorkflows(connection, NAMESPACE, `${workflowType} AND ExecutionStatus = 'Running'`);
  log(`visibility: ${open.count} applications open, ${inReview.count} in review (count took ${round(inReview.ms)} ms)`);

  // 3. A forced idle: what the worker holds at rest with every application parked.
  await inWindow('idleAfterParking', () => idle('idle after parking'));
  const workerRssAfterParkingMb = rssNow()[WORKER] ?? NaN;

  // 4. The reviewer inbox.
  log(`inbox: ${INBOX_WARMUP} warm-up calls, then ${INBOX_CALLS} timed GET /v1/review-tasks (HK reviewer)`);
  const inboxProgress = (label: string, total: number) => (done: number) => {
    if (done % 25 === 0 || done === total) log(`  ${label}: ${done}/${total}`);
  };
  const reviewerInbox = await inWindow('inbox', () =>
    measureInbox(apiUrl, '/v1/review-tasks', tokens.reviewer, {
      warmup: INBOX_WARMUP,
      calls: INBOX_CALLS,
      progress: inboxProgress('inbox', INBOX_CALLS),
    }),
  );
  log(
    `  inbox: p50 ${reviewerInbox.latency.p50Ms} ms, p95 ${reviewerInbox.latency.p95Ms} ms, ` +
      `p99 ${reviewerInbox.latency.p99Ms} ms; ${reviewerInbox.items} items of ${reviewerInbox.total ?? '?'}, ` +
      `truncated ${reviewerInbox.truncated}, ${Math.round(reviewerInbox.bytes / 1024)} KiB | ${usageSummary(windows.inbox!)}`,
  );
  const pageSummary = (label: string, run: InboxRun): string =>
    `  ${label}: p50 ${run.latency.p50Ms} ms, p95 ${run.latency.p95Ms} ms, p99 ${run.latency.p99Ms} ms; ` +
    `${run.items} items of ${run.total ?? '?'}, truncated ${run.truncated}, ${Math.round(run.bytes / 1024)} KiB`;
  // The next page, as a reviewer who scrolls asks for it (a paged inbox answers with a cursor).
  let secondPage: InboxRun | undefined;
  if (reviewerInbox.nextCursor) {
    log(`inbox, the next page (?after=<nextCursor>): ${EXTRA_INBOX_CALLS} calls`);
    const path = `/v1/review-tasks?after=${encodeURIComponent(reviewerInbox.nextCursor)}`;
    secondPage = await inWindow('inboxNextPage', () =>
      measureInbox(apiUrl, path, tokens.reviewer, {
        warmup: INBOX_WARMUP,
        calls: EXTRA_INBOX_CALLS,
        progress: inboxProgress('next page', EXTRA_INBOX_CALLS),
      }),
    );
    log(pageSummary('next page', secondPage));
  }
  log(`inbox, the largest page (?limit=${LARGE_PAGE}): ${EXTRA_INBOX_CALLS} calls`);
  const largePage = await inWindow('inboxLargePage', () =>
    measureInbox(apiUrl, `/v1/review-tasks?limit=${LARGE_PAGE}`, tokens.reviewer, {
      warmup: INBOX_WARMUP,
      calls: EXTRA_INBOX_CALLS,
      progress: inboxProgress('largest page', EXTRA_INBOX_CALLS),
    }),
  );
  log(pageSummary(`limit=${LARGE_PAGE}`, largePage));
  log(`filtered inbox: senior HK reviewer, ?queue=HK-senior (no task has escalated), ${EXTRA_INBOX_CALLS} calls`);
  const filteredInbox = await inWindow('inboxFiltered', () =>
    measureInbox(apiUrl, '/v1/review-tasks?queue=HK-senior', tokens.senior, {
      warmup: INBOX_WARMUP,
      calls: EXTRA_INBOX_CALLS,
      progress: inboxProgress('filtered inbox', EXTRA_INBOX_CALLS),
    }),
  );
  log(pageSummary('filtered', filteredInbox));

  log(
    `visibility straight from Temporal, the inbox's query: lists of 1,000 and 50 rows, COUNTs; ${VISIBILITY_CALLS} each`,
  );
  const inboxQuery = `${workflowType} AND LoanStage = 'IN_REVIEW' AND ReviewQueue IN ('HK-standard')`;
  const visibility = await inWindow('visibility', async () => ({
    rows1000: await measureVisibility(connection, NAMESPACE, inboxQuery, {
      pageSize: 1_000,
      maxPages: 1,
      calls: VISIBILITY_CALLS,
    }),
    rows50: await measureVisibility(connection, NAMESPACE, inboxQuery, {
      pageSize: 50,
      maxPages: 1,
      calls: VISIBILITY_CALLS,
    }),
    count: await measureCount(connection, NAMESPACE, inboxQuery, VISIBILITY_CALLS),
  }));
  const msPerRow = round((visibility.rows1000.firstPage.p50Ms - visibility.rows50.firstPage.p50Ms) / 950, 3);
  log(
    `  1,000 rows: p50 ${visibility.rows1000.firstPage.p50Ms} ms; 50 rows: p50 ${visibility.rows50.firstPage.p50Ms} ms ` +
      `(${msPerRow} ms a row); COUNT of ${visibility.count.count}: p50 ${visibility.count.latency.p50Ms} ms`,
  );

  // 5. Single applications read back (a query the worker answers; most are no longer cached).
  log(`reading ${APPLICATION_READS} parked applications one by one (GET /v1/applications/:id)`);
  const readTimes = await inWindow('applicationReads', async () => {
    const times: number[] = [];
    const step = Math.max(1, Math.floor(parking.parkedIds.length / APPLICATION_READS));
    for (let k = 0; k < APPLICATION_READS && k * step < parking.parkedIds.length; k++) {
      const id = parking.parkedIds[k * step]!;
      const t0 = performance.now();
      const response = await fetch(`${apiUrl}/v1/applications/${id}`, {
        headers: { authorization: tokens.loanSystem },
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await response.json()) as { stage?: string };
      times.push(performance.now() - t0);
      if (response.status !== 200 || body.stage !== 'IN_REVIEW') {
        throw new Error(`${id} read back ${response.status}, stage ${String(body.stage)}`);
      }
    }
    return times;
  });
  const applicationRead = summarize(readTimes);
  log(`  p50 ${applicationRead.p50Ms} ms, p95 ${applicationRead.p95Ms} ms`);

  // 6. Plain creates with everything parked (these stay awaiting consent).
  let creates: Awaited<ReturnType<typeof plainCreates>> | undefined;
  if (CREATES > 0) {
    log(`plain creates: ${CREATES} applications, ${CONCURRENCY} in flight, created only`);
    creates = await inWindow('plainCreates', () => plainCreates(driver));
    log(
      `  ${(creates.latencies.length / creates.seconds).toFixed(2)}/s, p50 ${summarize(creates.latencies).p50Ms} ms | ` +
        usageSummary(windows.plainCreates!),
    );
  }

  // 7. The end: another forced idle, then the worker's RSS.
  await inWindow('idleAtEnd', () => idle('idle at the end'));
  const rssAtEnd = rssNow();
  if (stopping) return;

  const workerPeakByPhase = Object.fromEntries(
    Object.entries(windows).map(([phase, usage]) => [phase, usage[WORKER]?.rssPeakMb ?? NaN]),
  );
  const workerRssPeakMb = Math.max(...Object.values(workerPeakByPhase).filter(Number.isFinite));
  const inboxP95 = reviewerInbox.latency.p95Ms;
  const rssMet = workerRssPeakMb <= TARGET_WORKER_RSS_MB;
  const inboxMet = inboxP95 <= TARGET_INBOX_P95_MS;
  const parkingSteps = (key: keyof ParkTiming) => summarize(parking.timings.map((t) => t[key]));
  const finishedAt = new Date();

  const result = {
    openApplications: open.count,
    workerRssMb: round(workerRssPeakMb),
    inboxQueryP95Ms: inboxP95,
    createPerSec: round(parkedPerSec, 2),
    targets: {
      workerRss: {
        target: `<= ${TARGET_WORKER_RSS_MB} MB (peak over the run)`,
        valueMb: round(workerRssPeakMb),
        met: rssMet,
      },
      inboxP95: { target: `<= ${TARGET_INBOX_P95_MS} ms`, valueMs: inboxP95, met: inboxMet },
      /** The same RSS limit read at rest: every application parked, after the forced idle (not the headline). */
      workerRssAtRest: {
        target: `<= ${TARGET_WORKER_RSS_MB} MB (after ${IDLE_SECONDS} s idle, all parked)`,
        valueMb: workerRssAfterParkingMb,
        met: workerRssAfterParkingMb <= TARGET_WORKER_RSS_MB,
      },
    },
    applications: APPLICATIONS,
    parked: parking.timings.length,
    failed: parking.errors.length,
    inReview: inReview.count,
    parking: {
      seconds: round(parking.seconds),
      /** = createPerSec: applications taken from nothing to IN_REVIEW per second, CONCURRENCY at a time. */
      parkedPerSec: round(parkedPerSec, 2),
      concurrency: CONCURRENCY,
      /** Each step of one application, and the whole (create to the in-review webhook). */
      steps: {
        create: parkingSteps('createMs'),
        consent: parkingSteps('consentMs'),
        report: parkingSteps('reportMs'),
        untilInReview: parkingSteps('untilInReviewMs'),
        total: parkingSteps('totalMs'),
      },
      /** Every tenth of the run: how many were parked, the rate since the previous mark, RSS of each process. */
      milestones: parking.milestones,
      driver: driver.counters,
      errors: parking.errors.slice(0, 20),
    },
    plainCreate: creates && {
      applications: CREATES,
      created: creates.latencies.length,
      failed: creates.errors.length,
      concurrency: CONCURRENCY,
      perSec: round(creates.latencies.length / creates.seconds, 2),
      latency: summarize(creates.latencies),
      note: `created with ${parking.timings.length} applications in review; these stay awaiting consent`,
    },
    inbox: {
      /** The target's figure: the first page, as a reviewer opening the inbox gets it (the API's default limit). */
      reviewer: reviewerInbox,
      nextPage: secondPage,
      largestPage: largePage,
      /** A senior reviewer's inbox filtered to the senior queue, which holds nothing (no task escalated). */
      filteredSeniorQueue: filteredInbox,
      /** The inbox's visibility query sent straight to Temporal: what rows and COUNTs cost by themselves. */
      visibility: {
        query: inboxQuery,
        list1000Rows: visibility.rows1000.firstPage,
        list50Rows: visibility.rows50.firstPage,
        /** (1,000 rows - 50 rows) / 950, p50s. */
        msPerRow,
        count: visibility.count,
      },
      countInReviewMs: round(inReview.ms),
    },
    applicationRead,
    workerRss: {
      peakMb: round(workerRssPeakMb),
      peakByPhaseMb: workerPeakByPhase,
      afterParkingIdleMb: workerRssAfterParkingMb,
      endMb: rssAtEnd[WORKER] ?? NaN,
    },
    /** Per process and phase: CPU (percent of one core, mean over the phase), CPU seconds, RSS peak and mean. */
    processes: windows,
    rssAtEndMb: rssAtEnd,
    webhooks: {
      requests: stack.webhooks.requests,
      processed: stack.webhooks.processed.length,
      redeliveries: stack.webhooks.redeliveries,
      badSignatures: stack.webhooks.badSignatures,
    },
    restarts: stack.restarts,
    run: {
      quick,
      applications: APPLICATIONS,
      concurrency: CONCURRENCY,
      anchorBatchSize: ANCHOR_BATCH,
      anchorBatches: batches,
      inboxWarmup: INBOX_WARMUP,
      inboxCalls: INBOX_CALLS,
      otherInboxCalls: EXTRA_INBOX_CALLS,
      plainCreates: CREATES,
      idleSeconds: IDLE_SECONDS,
      temporal: 'dev server, SQLite file (tools/stack/stack.ts)',
      processes: { api: 1, worker: 1, names: { api: API, worker: WORKER } },
      workerTuning,
      cpus: availableParallelism(),
      memoryGb: round(totalmem() / 2 ** 30),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((value) => round(value, 2)),
      node: process.version,
      at: startedAt.toISOString(),
      seconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    },
  };

  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  // A quick run must not overwrite the full-size results BENCHMARKS.md will quote.
  const file = join(REPO_ROOT, 'bench', 'results', quick ? 'scale-quick.json' : 'scale.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));

  log(`written to ${file}`);
  for (const [phase, usage] of Object.entries(windows)) log(`  ${phase}: ${usageSummary(usage)}`);
  log(
    `TARGET ${rssMet ? 'MET   ' : 'MISSED'} worker RSS peak ${result.workerRssMb} MB ` +
      `(target <= ${TARGET_WORKER_RSS_MB} MB; ${workerRssAfterParkingMb} MB at rest after parking, ` +
      `${result.workerRss.endMb} MB at the end)`,
  );
  log(
    `TARGET ${inboxMet ? 'MET   ' : 'MISSED'} inbox p95 ${inboxP95} ms (target <= ${TARGET_INBOX_P95_MS} ms; ` +
      `first page of ${reviewerInbox.items} items of ${reviewerInbox.total ?? '?'})`,
  );
  log(`${result.openApplications} open applications, ${result.createPerSec} parked per second`);
  if (parking.errors.length > 0 || (creates?.errors.length ?? 0) > 0) {
    log(`${parking.errors.length + (creates?.errors.length ?? 0)} applications failed; the figures leave them out`);
    for (const error of [...parking.errors, ...(creates?.errors ?? [])].slice(0, 10)) log(`  ${error}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  if (!stopping) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await stopEverything();
}
process.exit(signalled ? 130 : (process.exitCode ?? 0));
