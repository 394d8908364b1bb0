import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readDevJwtSecret } from '#api/auth/dev-secret';
import { signDevToken } from '#api/auth/dev-token';
import { createLendbridgeClient, unwrap, type LendbridgeClient } from '#client';
import { lendbridgeDataConverter } from '#codec';
import { type CodecKeys } from '#config';
import { freePort } from '#stack/processes';
import {
  devStackPortsFree,
  freeDevStackPorts,
  startDevStack,
  stopDevStack,
  type DevStackPorts,
  type RunningDevStack,
} from '#test-support/dev-stack';
import { tsx } from '#test-support/tsx';
import { type ApplicationQuery } from '#tools/demo/lendbridge-api';
import { savedQueries } from '#tools/demo/saved-queries';

// `npm run demo` against a real `npm run dev` stack, started as a newcomer would (scratch data
// directory, free ports): it must fill the stack with applications in every stage, and the
// Temporal UI queries the README documents must run against that stack's visibility.
describe('npm run demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lendbridge-demo-'));
  let ports: DevStackPorts;
  /** The stack's environment once it is up; before, one that points at nothing. */
  let env: NodeJS.ProcessEnv;
  let stack: RunningDevStack | undefined;
  let temporal: Client | undefined;
  const api = () => `http://127.0.0.1:${ports.api}`;
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  /** Run ids of the demo runs below, e.g. DEMO-20261121-083600. */
  const runs: string[] = [];

  /** Runs the demo as `npm run demo` does, with the stack's environment; resolves with its exit code and output. */
  function runDemo(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      let output = '';
      const child = spawn(...tsx('tools/demo/demo.ts', args), {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  /** bank-a's loan system, signed in with the stack's dev secret, through the typed client. */
  async function loanSystem(): Promise<LendbridgeClient> {
    const token = await signDevToken(readDevJwtSecret(dataDir), {
      sub: 'los-bank-a',
      roles: ['loan-system'],
      tenant: 'bank-a',
    });
    return createLendbridgeClient({ baseUrl: api(), token });
  }

  /** Ids of this run's applications the API lists (visibility: eventually consistent). */
  async function listed(run: string, query: ApplicationQuery): Promise<string[]> {
    const page = (await unwrap(
      (await loanSystem()).GET('/v1/applications', { params: { query: { ...query, pageSize: 200 } } }),
    )) as { items: { applicationId: string }[] };
    return page.items.map((item) => item.applicationId).filter((id) => id.startsWith(`${run}-`));
  }

  async function eventually<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value: T | undefined;
    while (Date.now() < deadline) {
      value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
  }

  async function workflowIds(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of temporal!.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  }

  function runIdOf(output: string): string {
    const run = /\[demo\] run (DEMO-\d{8}-\d{6}):/.exec(output)?.[1];
    if (!run) throw new Error(`no run id in the demo's output:\n${output}`);
    return run;
  }

  beforeAll(async () => {
    ports = await freeDevStackPorts();
    env = { ...process.env, LENDBRIDGE_DATA_DIR: dataDir, API_PORT: String(ports.api) };
  });

  afterAll(async () => {
    await temporal?.connection.close();
    if (stack) await stopDevStack(stack);
    if (stack) expect(await devStackPortsFree(stack.ports)).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('fails fast, saying what to do, when no stack is running', async () => {
    const { code, output } = await runDemo(['--quick'], { API_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(output).toContain('the lendbridge stack is not up');
    expect(output).toContain('npm run dev');
    expect(output).not.toContain('    at '); // a message, not a stack trace
  }, 60_000);

  it('--quick fills a running stack with applications in every stage', async () => {
    stack = await startDevStack(dataDir);
    ports = stack.ports;
    env = stack.env;

    const { code, output } = await runDemo(['--quick']);
    if (code !== 0) console.error(output);
    expect(code).toBe(0);
    const run = runIdOf(output);
    runs.push(run);
    // The summary: where to look and which tokens to use.
    expect(output).toContain(`${api()}/console#/tasks/bank-a/${run}-04`);
    expect(output).toContain(
      `http://127.0.0.1:${ports.temporalUi}/namespaces/${namespace}/workflows/loan%2Fbank-a%2F${run}-`,
    );
    expect(output).toContain(
      'npm run -s token -- --role senior-reviewer --sub carol --tenant bank-a --jurisdiction HK',
    );

    const expected: [ApplicationQuery, number][] = [
      [{ stage: 'AWAITING_CONSENT' }, 2],
      [{ stage: 'AWAITING_REPORT' }, 1],
      // Five in review: plain, four eyes half done, claimed, unanchored, and the one about to escalate
      // (on a slow machine that one may have expired already).
      [{ stage: 'IN_REVIEW' }, 4],
      [{ stage: 'APPROVED' }, 4],
      [{ stage: 'DECLINED' }, 1],
      [{ stage: 'WITHDRAWN' }, 1],
    ];
    for (const [query, count] of expected) {
      await eventually(
        () => listed(run, query),
        (ids) => ids.length >= count,
        `${count} applications with ${JSON.stringify(query)}`,
      );
    }
    const unanchored = await unwrap(
      (await loanSystem()).GET('/v1/applications/{applicationId}', {
        params: { path: { applicationId: `${run}-07` } },
      }),
    );
    expect(unanchored.verification?.['verdict']).toBe('NOT_ANCHORED');

    // The dev stack's receiver got the demo's events at bank-a's endpoint, each verified with the
    // exported verifier, and lists them on its page: the URL `npm run dev` printed.
    const receiverUrl = `http://127.0.0.1:${ports.webhooks}/`;
    expect(stack.output()).toContain(receiverUrl);
    const deliveries = await eventually(
      async () =>
        (await (await fetch(`${receiverUrl}deliveries.json`)).json()) as {
          tenant: string;
          type: string;
          applicationId: string;
          signature: string;
        }[],
      (rows) => rows.some((row) => row.applicationId.startsWith(run) && row.type === 'application.decided'),
      "the demo's decided webhook at the receiver",
    );
    const ours = deliveries.filter((row) => row.applicationId.startsWith(run));
    expect(ours.every((row) => row.tenant === 'bank-a' && row.signature === 'ok')).toBe(true);
    const page = await (await fetch(receiverUrl)).text();
    expect(page).toContain(ours[0]!.applicationId);
    expect(stack.output()).toMatch(/webhook application\.in-review bank-a\/\S+ id=\S+ signature ok attempt 1 -> 204/);
  }, 420_000);

  it('a full run adds a fresh set and waits for the escalation to the senior queue', async () => {
    if (!stack) throw new Error('the stack was not started by the previous test');
    const { code, output } = await runDemo([]);
    if (code !== 0) console.error(output);
    expect(code).toBe(0);
    const run = runIdOf(output);
    expect(run).not.toBe(runs[0]);
    runs.push(run);
    expect(output).toContain(`${run}-08  lendbridge   review SLA passed: escalated to HK-senior`);

    temporal = new Client({
      connection: await Connection.connect({ address: `127.0.0.1:${ports.temporal}` }),
      namespace,
      dataConverter: lendbridgeDataConverter(
        JSON.parse(readFileSync(join(dataDir, 'codec-keys.json'), 'utf8')) as CodecKeys,
      ),
    });
    // Listed in the senior queue right away: it expires one more review SLA (20 s) later.
    const senior = await eventually(
      () => workflowIds(`LoanStage = 'IN_REVIEW' AND ReviewQueue = 'HK-senior'`),
      (ids) => ids.includes(`loan/bank-a/${run}-08`),
      'the escalated application in the senior queue',
    );
    expect(senior).toContain(`loan/bank-a/${run}-08`);
    // One approver, four eyes, the northbound person in CNY, the southbound SME on its documents.
    expect(await listed(run, { stage: 'APPROVED' })).toHaveLength(4);
  }, 180_000);

  it("runs every saved query the README documents against the stack's visibility", async () => {
    if (!temporal) throw new Error('the previous test did not connect to Temporal');
    const [first] = runs;
    const queries = savedQueries({
      now: new Date(),
      tenant: 'bank-a',
      loanSystemReference: `LOS-${first!.slice(5)}-09`,
    });
    // Where the demo's applications make a result certain; the rest must merely run.
    const atLeast: Record<string, number> = {
      'all loan applications': 24,
      'in review, standard queue': 8,
      'claimed by a reviewer': 2,
      'waiting for the applicant': 6,
      'one tenant': 24,
      "the demo's applications": 24,
      'by loan system reference': 1,
      'large amounts (over 500,000.00)': 4,
      'decided in the last day': 6,
    };
    for (const { name, query } of queries) {
      const ids = await workflowIds(query).catch((error: Error) => {
        throw new Error(`saved query "${name}" (${query}) failed: ${error.message}`);
      });
      expect({ name, enough: ids.length >= (atLeast[name] ?? 0) }).toEqual({ name, enough: true });
      // The UI's own HTTP API, which the workflow list page calls with the same query.
      const ui = await fetch(
        `http://127.0.0.1:${ports.temporalUi}/api/v1/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`,
      );
      expect({ name, status: ui.status }).toEqual({ name, status: 200 });
    }
    // The first run's application about to escalate has meanwhile escalated and then expired.
    await eventually(
      () => workflowIds(`LoanOutcome = 'EXPIRED' AND WorkflowId = 'loan/bank-a/${first}-08'`),
      (ids) => ids.length === 1,
      "the first run's escalated application to expire",
      60_000,
    );
  }, 120_000);
});
