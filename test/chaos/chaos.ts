/**
 * `npm run test:chaos`: fault injection on real processes. For each scenario, a fresh stack (the
 * Temporal dev server on SQLite, anvil with its state file, the built API and worker, a webhook
 * receiver), anchored reports, and at least 200 applications driven through the HTTP API by a
 * loan system and a reviewer that retry with the same ids, while the scenario kills, stops or
 * breaks one part. Then an audit from Temporal, the ledger and the receiver: every application
 * ended exactly once, each decision is on the ledger once, each event was processed once.
 *
 * Writes bench/results/chaos.json. Exits 1 when any application was lost, duplicated or decided
 * otherwise than the reviewer chose, or a scenario could not run. Options: `--applications <n>`
 * (per scenario, default and minimum 200), `--concurrency <n>` (default 20), `--scenario <1-6,...>`
 * (on the dev server; default all), `--cluster-scenario <1-6,...|none>` (on the production topology,
 * tools/stack/temporal-cluster.ts; default 6, the two competing workers), `--no-build`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { anchorReports } from '#stack/anchored-reports';
import { REPO_ROOT } from '#stack/contracts';
import { runningProcesses, runToCompletion } from '#stack/processes';
import { LOAD_RUN, Stack } from '#stack/stack';
import { stopOnSignals } from '#stack/stop-signals';
import { driverTokens, LoanDriver, TENANT, type DrivenApplication } from './loan-driver.js';
import { auditOutcomes, type Audit } from './outcome-audit.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index < 0 ? undefined : argv[index + 1];
}
function intOption(name: string, fallback: number, minimum: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name} wants a whole number >= ${minimum}`);
  return value;
}
const APPLICATIONS = intOption('applications', 200, 200);
const CONCURRENCY = intOption('concurrency', 20, 1);
function scenarioNumbers(name: string, fallback: string): number[] {
  const raw = option(name) ?? fallback;
  const numbers = raw === 'none' ? [] : raw.split(',').map((n) => Number(n.trim()));
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > SCENARIOS.length)) {
    throw new Error(`--${name} wants numbers from 1 to ${SCENARIOS.length}, comma-separated, or none`);
  }
  return numbers;
}
/** Scenarios on the dev server, then on the production topology (PostgreSQL + Temporal server). */
const RUNS = [
  ...scenarioNumbers('scenario', '1,2,3,4,5,6').map((number) => ({ number, topology: 'dev' as const })),
  ...scenarioNumbers('cluster-scenario', '6').map((number) => ({ number, topology: 'cluster' as const })),
];
/** Longest the load of one scenario may run; an application unfinished by then counts as lost. */
const LOAD_TIMEOUT_MS = 15 * 60_000;
/** After the load: time for workflows still finishing, e.g. a webhook in its retry backoff. */
const SETTLE_MS = 5 * 60_000;
const RUN_ID = new Date()
  .toISOString()
  .replace(/[-:TZ.]/g, '')
  .slice(2, 14);

const log = (message: string): void => console.error(`[chaos] ${message}`);

interface ScenarioResult {
  name: string;
  topology: 'dev' | 'cluster';
  applications: number;
  terminal: number;
  lost: number;
  duplicates: number;
  wrongOutcome: number;
  outcomes: Audit['outcomes'];
  retries: Audit['retries'];
  faults: string[];
  /** Processes that exited without being told to and were restarted (as a supervisor would). */
  unplannedRestarts: Record<string, number>;
  webhooks: { processed: number; redeliveries: number; refused: number; badSignatures: number };
  requests: { total: number; retried: number };
  seconds: number;
  findings: string[];
  error?: string;
}

async function runScenario(number: number, scenario: Scenario, topology: 'dev' | 'cluster'): Promise<ScenarioResult> {
  const label = `s${number}${topology === 'cluster' ? 'c' : ''}-${RUN_ID}`;
  const scenarioLog = (message: string): void =>
    log(`#${number}${topology === 'cluster' ? ' (cluster)' : ''} ${message}`);
  scenarioLog(
    `${scenario.name}: starting the stack on the ${topology === 'cluster' ? 'production topology' : 'dev server'}`,
  );
  const began = Date.now();
  const stack = await Stack.start({
    label,
    topology,
    workers: scenario.workers,
    apis: scenario.apis,
    ...LOAD_RUN,
    log: scenarioLog,
  });
  try {
    const reports = await anchorReports(stack.ledger, APPLICATIONS, `chaos ${label}`);
    const driver = new LoanDriver(stack.apiUrls, await driverTokens(stack.jwtSecret));
    const apps: DrivenApplication[] = reports.map((report, i) => {
      const applicationId = `CHAOS-${label}-${String(i).padStart(4, '0')}`;
      return {
        applicationId,
        workflowId: `loan/${TENANT}/${applicationId}`,
        // Every fifth is declined: both kinds of decision go through the faults.
        intent: i % 5 === 4 ? 'decline' : 'approve',
        report,
        createdAnswers: 0,
        problems: [],
        requests: 0,
        retriedRequests: 0,
      };
    });

    scenarioLog(`${APPLICATIONS} applications, ${CONCURRENCY} in flight`);
    let finished = 0;
    let failed = 0;
    let next = 0;
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < apps.length; i = next++) {
        const app = apps[i]!;
        await driver.drive(app, i, deadline);
        finished += 1;
        if (app.problems.length > 0 && ++failed <= 5) scenarioLog(`${app.applicationId}: ${app.problems.join('; ')}`);
      }
    };
    const ticker = setInterval(() => {
      const stages = Object.entries(driver.stagesInFlight())
        .map(([stage, count]) => `${stage} ${count}`)
        .join(', ');
      scenarioLog(`${finished}/${apps.length} finished | in flight: ${stages || '-'}`);
    }, 5_000);
    let faults: string[];
    try {
      [faults] = await Promise.all([
        scenario.inject({ stack, driver, finished: () => finished / apps.length, log: scenarioLog }),
        Promise.all(Array.from({ length: Math.min(CONCURRENCY, apps.length) }, lane)),
      ]);
    } finally {
      clearInterval(ticker);
    }

    scenarioLog('load done; auditing Temporal, the ledger and the receiver');
    const audit = await auditOutcomes({
      client: stack.client(),
      apps,
      processedEvents: stack.webhooks.processed,
      ledger: stack.ledger,
      evidenceReferenceKey: stack.evidenceReferenceKey,
      settleMs: SETTLE_MS,
      log: scenarioLog,
    });
    const { findings, ...counts } = audit;
    return {
      name: scenario.name,
      topology,
      ...counts,
      faults,
      unplannedRestarts: stack.restarts,
      webhooks: {
        processed: stack.webhooks.processed.length,
        redeliveries: stack.webhooks.redeliveries,
        refused: stack.webhooks.refused,
        badSignatures: stack.webhooks.badSignatures,
      },
      requests: {
        total: apps.reduce((sum, app) => sum + app.requests, 0),
        retried: apps.reduce((sum, app) => sum + app.retriedRequests, 0),
      },
      seconds: Math.round((Date.now() - began) / 1000),
      findings,
    };
  } finally {
    await stack.stop();
  }
}

function failedToRun(scenario: Scenario, topology: 'dev' | 'cluster', error: unknown, began: number): ScenarioResult {
  return {
    name: scenario.name,
    topology,
    applications: APPLICATIONS,
    terminal: 0,
    lost: APPLICATIONS,
    duplicates: 0,
    wrongOutcome: 0,
    outcomes: {},
    retries: { activityAttempts: {}, workflowTaskTimeouts: 0 },
    faults: [],
    unplannedRestarts: {},
    webhooks: { processed: 0, redeliveries: 0, refused: 0, badSignatures: 0 },
    requests: { total: 0, retried: 0 },
    seconds: Math.round((Date.now() - began) / 1000),
    findings: [],
    error: error instanceof Error ? error.message : String(error),
  };
}

async function main(): Promise<number> {
  if (!argv.includes('--no-build')) {
    log('building the API and the worker (npm run build; --no-build skips it)');
    await runToCompletion('build', 'npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, output: 'silent' });
  }
  const startedAt = new Date();
  const scenarios: ScenarioResult[] = [];
  for (const { number, topology } of RUNS) {
    const scenario = SCENARIOS[number - 1]!;
    const began = Date.now();
    let result: ScenarioResult;
    try {
      result = await runScenario(number, scenario, topology);
    } catch (error) {
      result = failedToRun(scenario, topology, error, began);
    }
    scenarios.push(result);
    const verdict = passed(result) ? 'PASS' : 'FAIL';
    log(
      `#${number} ${verdict} ${result.name} (${topology}): ${result.terminal}/${result.applications} terminal, ` +
        `${result.lost} lost, ${result.duplicates} duplicated, ${result.wrongOutcome} wrong (${result.seconds} s)`,
    );
    for (const finding of result.findings) log(`    ${finding}`);
    if (result.error) log(`    could not run: ${result.error}`);
  }

  const results = {
    scenarios,
    run: {
      applicationsPerScenario: APPLICATIONS,
      concurrency: CONCURRENCY,
      cpus: availableParallelism(),
      node: process.version,
      at: startedAt.toISOString(),
    },
  };
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  const file = join(REPO_ROOT, 'bench', 'results', 'chaos.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`written to ${file}`);
  return scenarios.every(passed) ? 0 : 1;
}

const passed = (result: ScenarioResult): boolean =>
  !result.error && result.lost === 0 && result.duplicates === 0 && result.wrongOutcome === 0;

let exitCode = 1;
const stopAll = async (): Promise<void> => {
  for (const proc of runningProcesses()) await proc.stop(5_000);
};
stopOnSignals((signal) => {
  log(`${signal}: stopping every process (again to force)`);
  void stopAll().finally(() => process.exit(130));
}, log);
try {
  exitCode = await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stopAll();
}
process.exit(exitCode);
