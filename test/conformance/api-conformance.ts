/**
 * The OpenAPI conformance run (scripts/api-conformance.sh, a step of `npm test`): a dev stack (the
 * Temporal dev server and anvil in memory, the built API and one worker), a development token per
 * role the way `npm run token` signs them, and Schemathesis with all its checks over the operations
 * each role uses. Exits 1 when Schemathesis finds anything.
 *
 * Usage: tsx test/conformance/api-conformance.ts <schemathesis executable> [--no-build]
 *   [--max-examples <n>] (default 10 per operation and phase) [--results <file>] (the test cases
 *   counted, as JSON, for npm test's closing line).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { Role } from '#domain';
import { anchorReports, type AnchoredReport } from '#stack/anchored-reports';
import { runningProcesses } from '#stack/processes';
import { Stack } from '#stack/stack';
import { stopOnSignals } from '#stack/stop-signals';
import { southboundConsent } from '#test-support/loan-parties';

const [schemathesis, ...argv] = process.argv.slice(2);
if (!schemathesis)
  throw new Error('usage: api-conformance.ts <schemathesis executable> [--no-build] [--max-examples n]');
const maxExamplesAt = argv.indexOf('--max-examples');
const MAX_EXAMPLES = maxExamplesAt >= 0 ? Number(argv[maxExamplesAt + 1]) : 10;
const resultsAt = argv.indexOf('--results');
const RESULTS_FILE = resultsAt >= 0 ? argv[resultsAt + 1] : undefined;
const CONFIG_FILE = join(dirname(fileURLToPath(import.meta.url)), 'schemathesis.toml');
const TENANT = 'bank-a';
/** An application the run leaves in review, so the reviewers' and ops' operations reach a real one. */
const SEEDED = 'CONFORMANCE-1';
const log = (message: string): void => console.error(`[conformance] ${message}`);

/** Who calls what: each role's run covers the operations that role is for (operationIds). */
const RUNS: { role: string; claims: DevTokenClaims; operations: string[] }[] = [
  {
    role: 'loan-system',
    claims: { sub: 'conformance-los', roles: [Role.LOAN_SYSTEM], tenant: TENANT },
    operations: [
      'createApplication',
      'listApplications',
      'getApplication',
      'grantConsent',
      'revokeConsent',
      'withdrawApplication',
      'submitReport',
      'listDocuments',
      'submitDocument',
      'getMe',
    ],
  },
  {
    role: 'reviewer',
    claims: { sub: 'conformance-reviewer', roles: [Role.REVIEWER], tenants: [TENANT], jurisdictions: ['HK', 'CN'] },
    operations: ['listReviewTasks', 'getReviewTask', 'claimReviewTask', 'releaseReviewTask', 'decideApplication'],
  },
  {
    role: 'ops',
    claims: { sub: 'conformance-ops', roles: [Role.OPS] },
    operations: ['getAuditTimeline', 'runLedgerProbe', 'getHealthDetails', 'getHealth', 'getLiveness'],
  },
  {
    role: 'supervisor',
    claims: { sub: 'conformance-supervisor', roles: [Role.SUPERVISOR] },
    operations: ['listFlowOutcomes', 'listDecisionTimes'],
  },
];

/** Drives one application to IN_REVIEW through the API, as a loan system would. */
async function seedInReview(url: string, token: string, report: AnchoredReport): Promise<void> {
  const call = async (method: string, path: string, body?: object): Promise<{ stage?: string }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`seeding: ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { stage?: string };
  };
  const until = async (stage: string): Promise<void> => {
    for (let tries = 0; tries < 300; tries++) {
      if ((await call('GET', `/v1/applications/${SEEDED}`)).stage === stage) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`seeding: ${SEEDED} did not reach ${stage}`);
  };
  await call('POST', '/v1/applications', {
    applicationId: SEEDED,
    loanSystemReference: 'LOS-CONFORMANCE-1',
    product: 'sme-credit-line',
    requestedLimit: { amount: '100000.00', currency: 'HKD' },
    applicantReference: 'pseudonym-CONF0001',
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });
  await until('AWAITING_CONSENT');
  await call('POST', `/v1/applications/${SEEDED}/consent`, { ...southboundConsent, issuer: report.issuer });
  await call('POST', `/v1/applications/${SEEDED}/credit-report`, {
    reportHash: report.reportHash,
    scheme: 'sha256-raw-v1',
    batch: report.batch,
    decisionFields: { score: 701, scoreBand: 'B', delinquencyFlags: [] },
  });
  await until('IN_REVIEW');
}

/**
 * The repository's settings, and the seeded application as the path parameters of the operations
 * that name a tenant: without it, every task and audit Schemathesis asks for would be a 404.
 */
function writeConfig(dir: string): string {
  const file = join(dir, 'schemathesis.toml');
  writeFileSync(
    file,
    `${readFileSync(CONFIG_FILE, 'utf8')}
[[operations]]
include-path-regex = '\\{tenant\\}'
parameters = { tenant = "${TENANT}", applicationId = "${SEEDED}" }
`,
  );
  return file;
}

/** Test cases Schemathesis generated and passed, summed over the roles' runs. */
const cases = { generated: 0, passed: 0 };

/**
 * Schemathesis's lines, relayed with its pytest-style banners ("==== No issues found in 9.4s ====")
 * reworded: CI reads such a line as pytest's closing line, and one without a count as a run of no
 * test. Its summary's case counts are added up on the way.
 */
function relay(stream: Readable, out: NodeJS.WriteStream): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    const counted = /(\d+) generated, (\d+) passed/.exec(line);
    if (counted) {
      cases.generated += Number(counted[1]);
      cases.passed += Number(counted[2]);
    }
    out.write(`${line.replace(/^=+ (.*?) =+$/, '-- $1 --')}\n`);
  });
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    schemathesisChild = child;
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('error', reject);
    // 'close', not 'exit': the relayed lines are all read by then.
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// Before the stack starts: a Ctrl-C during its start would otherwise leave its children running.
const started: { stack?: Stack } = {};
let schemathesisChild: ChildProcess | undefined;
stopOnSignals(() => {
  schemathesisChild?.kill('SIGTERM');
  void (async () => {
    await started.stack?.stop();
    for (const proc of runningProcesses()) await proc.stop();
    process.exit(130);
  })();
}, log);
log(`starting the dev stack${argv.includes('--no-build') ? '' : ' (npm run build first)'}`);
const stack = await Stack.start({
  label: 'conformance',
  topology: 'dev',
  inMemory: true,
  build: !argv.includes('--no-build'),
  workers: 1,
  apis: 1,
  // Every request comes from 127.0.0.1: the per-address limit would otherwise answer 429 to the run itself.
  extra: { API_RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: 'warn' },
  onAppExit: 'fail',
  output: 'silent',
  log,
});
started.stack = stack;
let failed = false;
try {
  const { auth } = stack.settings;
  if (!('AUTH_JWT_SECRET' in auth)) throw new Error('the dev stack signs tokens with AUTH_JWT_SECRET');
  const url = stack.apiUrls[0]!;
  log(`driving ${SEEDED} to review, for the reviewers' and ops' operations`);
  const [report] = await anchorReports(stack.ledger, 1, 'conformance');
  await seedInReview(url, await signDevToken(auth.AUTH_JWT_SECRET, RUNS[0]!.claims), report!);
  const config = writeConfig(stack.dir);
  for (const { role, claims, operations } of RUNS) {
    const token = await signDevToken(auth.AUTH_JWT_SECRET, claims, { expiresIn: '1h' });
    log(`Schemathesis as ${role}: ${operations.join(', ')}`);
    const code = await Promise.race([
      run(
        schemathesis,
        [
          '--config-file',
          config,
          'run',
          `${url}/openapi.json`,
          '--checks',
          'all',
          '--max-examples',
          String(MAX_EXAMPLES),
          '--seed',
          '14',
          '--header',
          `Authorization: Bearer ${token}`,
          ...operations.flatMap((id) => ['--include-operation-id', id]),
        ],
        // Schemathesis keeps its cache in the working directory: the stack's, removed on stop.
        stack.dir,
      ),
      stack.failed,
    ]);
    if (code !== 0) {
      failed = true;
      log(`Schemathesis found problems as ${role} (exit ${code})`);
    }
  }
} finally {
  // A stack that failed mid-run wins the race above; Schemathesis must not run on against it.
  if (schemathesisChild?.exitCode === null) schemathesisChild.kill('SIGTERM');
  await stack.stop();
}
if (RESULTS_FILE) writeFileSync(RESULTS_FILE, JSON.stringify({ ...cases, failed }));
process.exit(failed ? 1 : 0);
