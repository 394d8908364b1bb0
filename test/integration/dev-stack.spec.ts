import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDevJwtSecret } from '#api/auth/dev-secret';
import { signDevToken } from '#api/auth/dev-token';
import {
  devStackPortsFree,
  spawnDevStack,
  startDevStack,
  stopDevStack,
  waitForDevStack,
  type DevStackPorts,
  type RunningDevStack,
} from '#test-support/dev-stack';

// `npm run dev` is the README's first command: start it as a newcomer would (on free ports, with a
// scratch data directory), use it, stop it with Ctrl-C, and start it again on the same state.
describe('npm run dev', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lendbridge-dev-'));
  let ports: DevStackPorts;
  let stack: RunningDevStack | undefined;

  /** What `npm run token -- --role ops` prints, signed with the secret `npm run dev` made. */
  async function opsHeaders(): Promise<Record<string, string>> {
    const token = await signDevToken(readDevJwtSecret(dataDir), { sub: 'olivia', roles: ['ops'] });
    return { Authorization: `Bearer ${token}` };
  }

  /**
   * Ctrl-C in a terminal signals the foreground process group: here that is the orchestrator
   * alone, because it starts every stack process in a group of its own. So if the orchestrator
   * did not stop them, they would still be listening afterwards, and the test would see it.
   */
  async function ctrlC(running: RunningDevStack): Promise<number | null> {
    const code = await stopDevStack(running);
    if (code !== 0) console.error(`npm run dev exited with ${code}:\n${running.output().slice(-3000)}`);
    return code;
  }

  afterAll(async () => {
    if (stack) await stopDevStack(stack);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the whole stack, runs the probe, and lists it in the Temporal UI', async () => {
    stack = await startDevStack(dataDir);
    ports = stack.ports;
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
    expect(await devStackPortsFree(ports)).toBe(true);

    // The same ports and data directory: as a person restarting it would.
    stack = spawnDevStack(dataDir, ports);
    await waitForDevStack(stack);
    // Contracts were not redeployed: anvil's state came back from the data directory.
    expect(stack.output()).toContain('reusing CreditReportRegistry');
    // Temporal's SQLite file kept the earlier run.
    const listed = await fetch(`http://127.0.0.1:${ports.temporalUi}/api/v1/namespaces/default/workflows`);
    const { executions } = (await listed.json()) as { executions: { execution: { workflowId: string } }[] };
    expect(executions.map((e) => e.execution.workflowId)).toContain(firstProbe.workflowId);
    expect(await ctrlC(stack)).toBe(0);
  }, 200_000);
});
