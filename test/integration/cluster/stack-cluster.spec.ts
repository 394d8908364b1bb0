/**
 * `npm run stack:cluster` as an operator runs it: PostgreSQL, the Temporal server and its UI,
 * anvil, two workers and two API instances; one application created through the first API is read
 * through the second (they share the cluster), and Ctrl-C stops every process it started.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDevJwtSecret } from '#api/auth/dev-secret';
import { signDevToken } from '#api/auth/dev-token';
import { freePort, isListening } from '#stack/processes';
import { eventually } from '#test-support/eventually';
import { spawnScript, stopScript, waitForOutput, type RunningScript } from '#test-support/script-process';

/** A free port whose successor is free too (the second API instance takes it). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_535 && !(await isListening(port + 1))) return port;
  }
}

/** A free port below 32768: the Temporal server keeps its ports in a SMALLINT column. */
async function lowFreePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!(await isListening(port))) return port;
  }
}

describe('npm run stack:cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-cluster-'));
  // PostgreSQL runs as its own account (it refuses root): the directory must let it in.
  chmodSync(dir, 0o755);
  let stack: RunningScript | undefined;
  let ports: number[] = [];

  afterAll(async () => {
    if (stack) await stopScript(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs two APIs and two workers on one Temporal cluster, and stops them all on Ctrl-C', async () => {
    const [api, temporal, ui, anvil] = [await freePortPair(), await lowFreePort(), await freePort(), await freePort()];
    ports = [api, api + 1, temporal, ui, anvil];
    stack = spawnScript('scripts/stack-cluster.ts', {
      LENDBRIDGE_CLUSTER_DIR: dir,
      CLUSTER_API_PORT: String(api),
      CLUSTER_TEMPORAL_PORT: String(temporal),
      CLUSTER_TEMPORAL_UI_PORT: String(ui),
      CLUSTER_ANVIL_PORT: String(anvil),
    });
    await waitForOutput(stack, 'lendbridge is up on the production topology', 600_000);
    const output = stack.output();
    expect(output).toContain('4 history shards');
    expect(output).toContain('workers        2');

    const [first, second] = [`http://127.0.0.1:${api}`, `http://127.0.0.1:${api + 1}`];
    for (const url of [first, second]) expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ui}/`)).status).toBe(200);

    const token = await signDevToken(readDevJwtSecret(dir), {
      sub: 'los-bank-a',
      roles: ['loan-system'],
      tenant: 'bank-a',
    });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${first}/v1/applications`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        applicationId: 'CLUSTER-1',
        loanSystemReference: 'LOS-CLUSTER-1',
        product: 'sme-credit-line',
        requestedLimit: { amount: '1000.00', currency: 'HKD' },
        applicantReference: 'pseudonym-cluster-0001',
        applicantType: 'person',
        direction: 'southbound',
        reviewJurisdiction: 'HK',
      }),
    });
    expect(created.status).toBe(201);
    const stage = await eventually(
      async () => {
        const read = await fetch(`${second}/v1/applications/CLUSTER-1`, { headers });
        return read.ok ? ((await read.json()) as { stage: string }).stage : `HTTP ${read.status}`;
      },
      (value) => value === 'AWAITING_CONSENT',
      'the application, read through the second API',
    );
    expect(stage).toBe('AWAITING_CONSENT');

    expect(await stopScript(stack)).toBe(0);
    for (const port of ports) expect(await isListening(port)).toBe(false);
  }, 900_000);
});
