/**
 * The package as a bank gets it. `npm run build:package`, then `npm pack`; what the tarball holds is
 * only what a host needs. Then a new Nest application in a temporary directory outside the
 * repository installs the tarball from npm beside the peers, compiles its own TypeScript against
 * the package's declarations, serves lendbridge beside a controller of its own, runs a worker from
 * `lendbridge/worker` with a webhook delivery of its own, and one application goes to APPROVED on
 * the real Temporal dev server and anvil.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { hashReportBytes } from '#hashing';
import { LedgerClient } from '#ledger';
import { REPO_ROOT } from '#stack/contracts';
import { DEV_KEYS } from '#stack/dev-ledger';
import { apiEnv, pollerPresent } from '#stack/lendbridge-apps';
import { freePort, spawnManaged, waitUntil, type ManagedProcess } from '#stack/processes';
import { Stack } from '#stack/stack';
import { eventually } from '#test-support/eventually';
import { testWriter } from '#test-support/ledger';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';
import { compiledPath, PACKAGE_ENTRIES, PEER_RANGES, presentEntries } from '#tools/package/entries';

const PACKAGE_DIR = join(REPO_ROOT, 'dist', 'package');
const HOST_FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'host-app');

interface RootManifest {
  exports: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
}
const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as RootManifest;

/** npm's settings from an `npm test` around this run (npm_config_*) must not steer the host's npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/** Runs a command to its end; its output is kept for the error if it fails. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}) in ${cwd}:\n${stdout}\n${stderr}`));
    });
  });
}

// The package's own build, not the apps': the package is all a host installs.
beforeAll(async () => {
  await run('npm', ['run', '--silent', 'build:package'], REPO_ROOT);
}, 180_000);

describe('the published package', () => {
  it('packs only what a host needs: compiled code, declarations, the workflow bundle, the ABIs', async () => {
    const [report] = JSON.parse(await run('npm', ['pack', '--dry-run', '--json'], PACKAGE_DIR)) as [
      { name: string; files: { path: string }[] },
    ];
    expect(report.name).toBe('lendbridge');
    const files = report.files.map((file) => file.path);
    const consoleStatic = 'libs/api/src/console/static/';
    const stray = files.filter(
      (path) =>
        !['package.json', 'README.md', 'CHANGELOG.md', 'workflow-bundle.js'].includes(path) &&
        !path.startsWith(consoleStatic) &&
        !/^(libs\/[a-z-]+\/src|activities|workflows)\/.+(\.js|\.d\.ts)$/.test(path),
    );
    expect(stray).toEqual([]);
    // No sources, maps, tests, tools or contracts, whatever the patterns above let through.
    expect(files.filter((path) => /\.map$|\.ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((path) => /(^|\/)(test|tools|bench|scripts|contracts|apps)\//.test(path))).toEqual([]);
    // Nor inside the workflow bundle's inline source map (the worker needs the map): no sources, no
    // path of the machine that built it.
    const bundle = readFileSync(join(PACKAGE_DIR, 'workflow-bundle.js'), 'utf8');
    const map = Buffer.from(/sourceMappingURL=data:[^,]+,(\S+)\s*$/.exec(bundle)![1]!, 'base64').toString('utf8');
    expect(JSON.parse(map)).not.toHaveProperty('sourcesContent');
    expect(map).not.toContain(REPO_ROOT);
    expect(files.filter((path) => /\.spec\./.test(path))).toEqual([]);

    // Every entry, compiled and declared; the ledger client's ABIs; the prebuilt workflow bundle.
    for (const entry of presentEntries()) {
      expect(files).toContain(compiledPath(entry.source, '.js').slice(2));
      expect(files).toContain(compiledPath(entry.source, '.d.ts').slice(2));
    }
    expect(files).toEqual(
      expect.arrayContaining([
        'libs/ledger/src/abi/credit-report-registry.abi.js',
        'libs/ledger/src/abi/evidence-registry.abi.js',
        'workflow-bundle.js',
        `${consoleStatic}index.html`,
      ]),
    );
  });

  it('declares its entries, Node 24, Nest and Temporal as peers, and the rest as dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
      private?: boolean;
      engines: { node: string };
      exports: Record<string, unknown>;
      peerDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.private).toBeUndefined();
    expect(manifest.engines).toEqual(root.engines);
    expect(Object.keys(manifest.exports)).toEqual([...presentEntries().map((e) => e.subpath), './package.json']);
    expect(manifest.exports['./worker']).toEqual({
      types: './libs/worker/src/index.d.ts',
      import: './libs/worker/src/index.js',
    });
    expect(manifest.peerDependencies).toEqual(PEER_RANGES);
    expect(Object.keys(manifest.dependencies).filter((name) => name in PEER_RANGES)).toEqual([]);
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      expect(`${name}@${version}`).toBe(`${name}@^${root.dependencies[name]}`);
    }
  });

  it("lets the standalone apps import the same entries by the package's name", () => {
    // The repository's own self-reference (apps/api, apps/worker) names the package's sources.
    for (const [subpath, source] of Object.entries(root.exports)) {
      expect(PACKAGE_ENTRIES.find((entry) => entry.subpath === subpath)?.source).toBe(source.slice(2));
    }
  });
});

describe('a new Nest application that installs the package', () => {
  const hostDir = mkdtempSync(join(tmpdir(), 'lendbridge-host-app-'));
  const eventsFile = join(hostDir, 'events.jsonl');
  let stack: Stack | undefined;
  let api: ManagedProcess | undefined;
  let worker: ManagedProcess | undefined;
  let apiUrl: string;
  let jwtSecret: string;

  beforeAll(async () => {
    // Installing and starting the infrastructure need nothing of each other: side by side.
    const install = (async () => {
      await run('npm', ['pack', '--pack-destination', hostDir], PACKAGE_DIR);
      const tarball = readdirTarball(hostDir);
      cpSync(join(HOST_FIXTURE, 'src'), join(hostDir, 'src'), { recursive: true });
      cpSync(join(HOST_FIXTURE, 'tsconfig.json'), join(hostDir, 'tsconfig.json'));
      writeFileSync(
        join(hostDir, 'package.json'),
        `${JSON.stringify({ name: 'a-bank-host', private: true, type: 'module' }, null, 2)}\n`,
      );
      // The peers at the versions this repository tests with, and the compiler the bank builds with.
      const peers = Object.keys(PEER_RANGES).map((name) => `${name}@${root.dependencies[name]}`);
      const tools = ['typescript', '@types/node'].map((name) => `${name}@${root.devDependencies[name]}`);
      await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, ...peers, ...tools],
        hostDir,
      );
      // The installed compiler against the installed declarations: the types hold for a host.
      await run(process.execPath, [join(hostDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], hostDir);
    })();
    const infrastructure = Stack.start({
      label: 'host-app',
      inMemory: true,
      workers: 0,
      apis: 0,
      onAppExit: 'fail',
      output: 'silent',
      extra: { LOG_LEVEL: 'warn' },
      log: () => undefined,
    });
    const [installed, started] = await Promise.allSettled([install, infrastructure]);
    if (started.status === 'fulfilled') stack = started.value;
    if (installed.status === 'rejected') throw installed.reason;
    if (started.status === 'rejected') throw started.reason;
    const running = stack!;
    jwtSecret = running.jwtSecret;

    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = spawnManaged('host-api', process.execPath, ['dist/api.js'], {
      cwd: hostDir,
      env: apiEnv(running.settings, port),
      output: 'silent',
    });
    // The stack's worker settings, less its bundle path: the host's worker loads the package's.
    const { WORKER_WORKFLOW_BUNDLE: _repositoryBundle, ...workerVars } = running.workerVars;
    worker = spawnManaged('host-worker', process.execPath, ['dist/worker.js'], {
      cwd: hostDir,
      env: { ...workerVars, HOST_EVENTS_FILE: eventsFile },
      output: 'silent',
    });
    const { namespace, taskQueue } = running.settings;
    await Promise.all([
      waitUntil('the host API to answer /health', async () => (await fetch(`${apiUrl}/health`)).ok, {
        timeoutMs: 60_000,
        proc: api,
      }),
      waitUntil('the host worker to poll', () => pollerPresent(running.connection, namespace, taskQueue), {
        timeoutMs: 60_000,
        proc: worker,
      }),
    ]);
  }, 420_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await stack?.stop();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const call = async (
    claims: DevTokenClaims,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${await signDevToken(jwtSecret, claims)}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers,
      ...(payload !== undefined && { body: payload }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const loanSystem: DevTokenClaims = { sub: 'los-bank-a', roles: ['loan-system'], tenant: 'bank-a' };
  const reviewer: DevTokenClaims = { sub: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };

  it('runs the worker on the workflow bundle the package carries, untold', async () => {
    const packaged = join(realpathSync(hostDir), 'node_modules', 'lendbridge', 'workflow-bundle.js');
    await waitUntil(
      'the worker to name its bundle',
      () => Promise.resolve(worker!.recentOutput().includes('polling task queue')),
      {
        timeoutMs: 10_000,
        proc: worker!,
      },
    );
    expect(worker!.recentOutput()).toContain(`workflows from bundle ${packaged}`);
  });

  it("serves lendbridge beside the host's own controller, and the host's delivery records the events", async () => {
    // The host's route answers, untouched by lendbridge's guards; lendbridge's routes want a token.
    const ping = await fetch(`${apiUrl}/host/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ host: 'pong' });
    expect((await fetch(`${apiUrl}/applications/H-1`)).status).toBe(401);

    // The HK agency anchors the report the loan system will submit.
    const report = Buffer.from('%PDF-1.7 credit report for the host-app test');
    const { hash: reportHash } = hashReportBytes(report);
    const ledgerClient = new LedgerClient({ ...stack!.ledger, timeoutMs: 5_000, confirmations: 0 });
    try {
      await testWriter(ledgerClient, DEV_KEYS.issuerHK).anchorReport(
        'personal-credit-report',
        reportHash,
        new Date(Date.now() + 86_400_000),
      );
    } finally {
      ledgerClient.close();
    }

    const created = await call(loanSystem, 'POST', '/applications', {
      applicationId: 'H-1',
      loanSystemReference: 'LOS-H-1',
      product: 'sme-credit-line',
      // Below the four-eyes threshold: one approval decides.
      requestedLimit: { amount: '120000.00', currency: 'HKD' },
      applicantReference: 'pseudonym-host-app',
      applicantType: 'person',
      direction: 'southbound',
      reviewJurisdiction: 'HK',
    });
    expect(created).toMatchObject({ status: 201, body: { applicationId: 'H-1', stage: 'RECEIVED' } });
    const stage = async (): Promise<unknown> => (await call(loanSystem, 'GET', '/applications/H-1')).body.stage;
    await eventually(stage, (s) => s === 'AWAITING_CONSENT', 'the worker to take the application on');

    const consent = await call(loanSystem, 'POST', '/applications/H-1/consent', {
      ...southboundConsent,
      issuer: HK_ISSUER,
    });
    expect(consent.status).toBe(200);

    const form = new FormData();
    form.append('scheme', 'sha256-raw-v1');
    form.append('decisionFields', JSON.stringify({ score: 702, scoreBand: 'B', delinquencyFlags: [] }));
    form.append('report', new Blob([report], { type: 'application/pdf' }), 'report.pdf');
    const submitted = await call(loanSystem, 'POST', '/applications/H-1/credit-report', form);
    expect(submitted).toMatchObject({ status: 200, body: { report: { reportHash, scheme: 'sha256-raw-v1' } } });
    await eventually(stage, (s) => s === 'IN_REVIEW', 'verification and review');

    expect((await call(reviewer, 'POST', '/review-tasks/bank-a/H-1/claim')).status).toBe(200);
    const decision = await call(reviewer, 'POST', '/review-tasks/bank-a/H-1/decision', {
      outcome: 'approve',
      recommendedLimit: { amount: '100000.00', currency: 'HKD' },
    });
    expect(decision.status).toBe(200);
    await eventually(stage, (s) => s === 'APPROVED', 'the decision');

    // The host's own delivery, not lendbridge's HTTP sender, got the events.
    const recorded = await eventually(
      () => Promise.resolve(existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8') : ''),
      (text) => text.includes('application.decided'),
      "the host's delivery of application.decided",
    );
    const events = recorded
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; workflowId: string });
    expect(events.filter((e) => e.workflowId === 'loan/bank-a/H-1').map((e) => e.type)).toEqual(
      expect.arrayContaining(['application.in-review', 'application.decided']),
    );
  }, 120_000);
});

/** The one tarball `npm pack` wrote into `dir`. */
function readdirTarball(dir: string): string {
  const name = `lendbridge-${(JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version}.tgz`;
  if (!existsSync(join(dir, name))) throw new Error(`npm pack wrote no ${name} in ${dir}`);
  return name;
}
