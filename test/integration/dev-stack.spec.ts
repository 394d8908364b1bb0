import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDevJwtSecret } from '../../apps/api/src/auth/dev-secret.js';
import { signDevToken } from '../../apps/api/src/auth/dev-token.js';
import { freePort, isListening, waitUntil } from '../../tools/stack/processes.js';

// `npm run dev` is the README's first command: start it as a newcomer would (on free ports, with a
// scratch data directory), use it, stop it with Ctrl-C, and start it again on the same state.
describe('npm run dev', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lendbridge-dev-'));
  let ports: { api: number; temporal: number; temporalUi: number; anvil: number };
  let stack: { child: ChildProcess; output: () => string } | undefined;

  function startStack(): { child: ChildProcess; output: () => string } {
    let output = '';
    const child = spawn('node_modules/.bin/tsx', ['scripts/dev.ts'], {
      env: {
        ...process.env,
        LENDBRIDGE_DATA_DIR: dataDir,
        API_PORT: String(ports.api),
        TEMPORAL_PORT: String(ports.temporal),
        TEMPORAL_UI_PORT: String(ports.temporalUi),
        ANVIL_PORT: String(ports.anvil),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as in a terminal
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  /**
   * Ctrl-C in a terminal signals the foreground process group: here that is the orchestrator
   * alone, because it starts every stack process in a group of its own. So if the orchestrator
   * did not stop them, they would still be listening afterwards, and the test would see it.
   */
  async function ctrlC(running: { child: ChildProcess; output: () => string }): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
    process.kill(-(running.child.pid ?? 0), 'SIGINT');
    const code = await exited;
    if (code !== 0) console.error(`npm run dev exited with ${code}:\n${running.output().slice(-3000)}`);
    return code;
  }

  /** What `npm run token -- --role ops` prints, signed with the secret `npm run dev` made. */
  async function opsHeaders(): Promise<Record<string, string>> {
    const token = await signDevToken(readDevJwtSecret(dataDir), { sub: 'olivia', roles: ['ops'] });
    return { Authorization: `Bearer ${token}` };
  }

  async function waitForUp(running: { child: ChildProcess; output: () => string }): Promise<void> {
    await waitUntil('"lendbridge is up"', () => Promise.resolve(running.output().includes('lendbridge is up')), {
      timeoutMs: 150_000,
      intervalMs: 500,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- npm run dev output ---\n${running.output()}`);
    });
  }

  beforeAll(async () => {
    ports = {
      api: await freePort(),
      temporal: await freePort(),
      temporalUi: await freePort(),
      anvil: await freePort(),
    };
  });

  afterAll(async () => {
    if (stack?.child.exitCode === null) await ctrlC(stack);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the whole stack, runs the probe, and lists it in the Temporal UI', async () => {
    stack = startStack();
    await waitForUp(stack);
    const api = `http://127.0.0.1:${ports.api}`;
    expect(stack.output()).toContain(`${api}/v1`);
    expect(stack.output()).toContain(`http://127.0.0.1:${ports.temporalUi}`);

    const health = await fetch(`${api}/health`);
    expect(health.status).toBe(200);

    expect((await fetch(`${api}/v1/ledger-probes`, { method: 'POST' })).status).toBe(401);
    const probe = await fetch(`${api}/v1/ledger-probes`, { method: 'POST', headers: await opsHeaders() });
    expect(probe.status).toBe(201);
    const { workflowId, ledger } = (await probe.json()) as { workflowId: string; ledger: { chainId: string } };
    expect(ledger.chainId).toBe('31337');

    // The Web UI's own HTTP API: what an ops person's browser sees in the workflow list.
    const listed = await fetch(`http://127.0.0.1:${ports.temporalUi}/api/v1/namespaces/default/workflows`);
    expect(listed.status).toBe(200);
    const { executions } = (await listed.json()) as { executions: { execution: { workflowId: string } }[] };
    expect(executions.map((e) => e.execution.workflowId)).toContain(workflowId);

    // The UI decrypts payloads through the API's codec endpoint, which answers an ops identity only.
    const settings = (await (await fetch(`http://127.0.0.1:${ports.temporalUi}/api/v1/settings`)).json()) as {
      Codec?: { Endpoint?: string };
    };
    expect(settings.Codec?.Endpoint).toBe(`${api}/codec`);
    expect((await fetch(`${api}/codec/decode`, { method: 'POST' })).status).toBe(401);
  }, 200_000);

  it('stops every process on Ctrl-C and keeps state for the next start', async () => {
    if (!stack) throw new Error('the stack was not started by the previous test');
    const firstProbe = (await (
      await fetch(`http://127.0.0.1:${ports.api}/v1/ledger-probes`, { method: 'POST', headers: await opsHeaders() })
    ).json()) as {
      workflowId: string;
    };
    expect(await ctrlC(stack)).toBe(0);
    for (const port of Object.values(ports)) expect(await isListening(port)).toBe(false);

    stack = startStack();
    await waitForUp(stack);
    // Contracts were not redeployed: anvil's state came back from the data directory.
    expect(stack.output()).toContain('reusing CreditReportRegistry');
    // Temporal's SQLite file kept the earlier run.
    const listed = await fetch(`http://127.0.0.1:${ports.temporalUi}/api/v1/namespaces/default/workflows`);
    const { executions } = (await listed.json()) as { executions: { execution: { workflowId: string } }[] };
    expect(executions.map((e) => e.execution.workflowId)).toContain(firstProbe.workflowId);
    expect(await ctrlC(stack)).toBe(0);
  }, 200_000);
});
