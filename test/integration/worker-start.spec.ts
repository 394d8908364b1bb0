import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { REPO_ROOT } from '#stack/contracts';
import { startTestDevServer } from '#test-support/temporal';
import { tsx } from '#test-support/tsx';

/**
 * Runs the host; resolves with its exit code and output, or with `timedOut` once it has run `ms`
 * (then its whole process group is killed: tsx runs the script in a child of its own).
 */
function runHost(
  env: NodeJS.ProcessEnv,
  ms: number,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const child = spawn(...tsx(join(REPO_ROOT, 'test/fixtures/worker-host/failed-start.ts')), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

describe('a worker that cannot start, on the real dev server', () => {
  let temporal: TestWorkflowEnvironment;

  beforeAll(async () => {
    temporal = await startTestDevServer();
  }, 120_000);

  afterAll(async () => {
    await temporal?.teardown();
  });

  it('refuses a namespace the server does not have and leaves nothing running: its host exits by itself', async () => {
    const host = await runHost({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'no-such-namespace' }, 45_000);
    expect(host.timedOut).toBe(false);
    expect(host.code).toBe(0);
    expect(host.output).toMatch(/^refused: .*no-such-namespace/m);
  }, 60_000);
});
