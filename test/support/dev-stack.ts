/**
 * `npm run dev` as a newcomer runs it, for tests: `scripts/dev.ts` in a process group of its own
 * (as in a terminal), on free ports with a scratch data directory, stopped with Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, isListening } from '../../tools/stack/processes.js';

export interface DevStackPorts {
  api: number;
  temporal: number;
  temporalUi: number;
  anvil: number;
}

export interface RunningDevStack {
  child: ChildProcess;
  ports: DevStackPorts;
  /** The environment it was started with: what `npm run demo` or `npm run token` need too. */
  env: NodeJS.ProcessEnv;
  output(): string;
}

export async function freeDevStackPorts(): Promise<DevStackPorts> {
  return { api: await freePort(), temporal: await freePort(), temporalUi: await freePort(), anvil: await freePort() };
}

/** Starts the stack without waiting for it (see {@link waitForDevStack}). */
export function spawnDevStack(
  dataDir: string,
  ports: DevStackPorts,
  extraEnv: NodeJS.ProcessEnv = {},
): RunningDevStack {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LENDBRIDGE_DATA_DIR: dataDir,
    API_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    ANVIL_PORT: String(ports.anvil),
    ...extraEnv,
  };
  let output = '';
  const child = spawn('node_modules/.bin/tsx', ['scripts/dev.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, ports, env, output: () => output };
}

/** Waits for "lendbridge is up"; fails at once, with the output, if the stack exits first. */
export async function waitForDevStack(stack: RunningDevStack, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stack.output().includes('lendbridge is up')) {
    if (stack.child.exitCode !== null || stack.child.signalCode !== null) {
      throw new Error(
        `npm run dev exited (${stack.child.exitCode ?? stack.child.signalCode}) before it was up:\n${stack.output()}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`npm run dev was not up within ${timeoutMs} ms:\n${stack.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Starts the stack and waits for it. A port found free can be taken by another process before the
 * stack binds it (the Temporal server also picks ports of its own): such a start is retried once,
 * on fresh ports, since the port, not the stack, was at fault.
 */
export async function startDevStack(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningDevStack> {
  for (let attempt = 1; ; attempt++) {
    const stack = spawnDevStack(dataDir, await freeDevStackPorts(), extraEnv);
    try {
      await waitForDevStack(stack);
      return stack;
    } catch (error) {
      await stopDevStack(stack);
      if (attempt >= 2 || !/address already in use|port \d+ is taken/.test(stack.output())) throw error;
    }
  }
}

/** Ctrl-C to the stack's process group; SIGKILL if it has not stopped within a minute. Resolves with its exit code. */
export async function stopDevStack(stack: RunningDevStack): Promise<number | null> {
  const { child } = stack;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const group = child.pid;
  if (group === undefined) return null;
  process.kill(-group, 'SIGINT');
  const timer = setTimeout(() => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
  }, 60_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** True when none of the stack's ports is still listening: nothing outlived it. */
export async function devStackPortsFree(ports: DevStackPorts): Promise<boolean> {
  for (const port of Object.values(ports)) if (await isListening(port)) return false;
  return true;
}
