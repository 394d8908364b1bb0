/**
 * `npm run dev` as a newcomer runs it, for tests: `scripts/dev.ts` in a process group of its own
 * (as in a terminal), on free ports with a scratch data directory, stopped with Ctrl-C.
 */
import { freePort, isListening } from '#stack/processes';
import { spawnScript, stopScript, waitForOutput, type RunningScript } from './script-process.js';

export interface DevStackPorts {
  api: number;
  temporal: number;
  temporalUi: number;
  anvil: number;
  /** The webhook receiver's page and endpoints. */
  webhooks: number;
}

export interface RunningDevStack extends RunningScript {
  ports: DevStackPorts;
}

export async function freeDevStackPorts(): Promise<DevStackPorts> {
  return {
    api: await freePort(),
    temporal: await freePort(),
    temporalUi: await freePort(),
    anvil: await freePort(),
    webhooks: await freePort(),
  };
}

/** Starts the stack without waiting for it (see {@link waitForDevStack}). */
export function spawnDevStack(
  dataDir: string,
  ports: DevStackPorts,
  extraEnv: NodeJS.ProcessEnv = {},
): RunningDevStack {
  const script = spawnScript('scripts/dev.ts', {
    LENDBRIDGE_DATA_DIR: dataDir,
    API_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    ANVIL_PORT: String(ports.anvil),
    WEBHOOK_RECEIVER_PORT: String(ports.webhooks),
    ...extraEnv,
  });
  return { ...script, ports };
}

/** Waits for "lendbridge is up"; fails at once, with the output, if the stack exits first. */
export async function waitForDevStack(stack: RunningDevStack, timeoutMs = 300_000): Promise<void> {
  await waitForOutput(stack, 'lendbridge is up', timeoutMs);
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
export function stopDevStack(stack: RunningDevStack): Promise<number | null> {
  return stopScript(stack);
}

/** True when none of the stack's ports is still listening: nothing outlived it. */
export async function devStackPortsFree(ports: DevStackPorts): Promise<boolean> {
  for (const port of Object.values(ports)) if (await isListening(port)) return false;
  return true;
}
