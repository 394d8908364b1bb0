/**
 * One of the repo's long-running scripts (`npm run dev`, `npm run stack:cluster`) as a person runs
 * it, for tests: in a process group of its own (as in a terminal), its output collected, stopped
 * with Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tsx } from '#test-support/tsx';

export interface RunningScript {
  child: ChildProcess;
  /** The environment it was started with (what `npm run demo` or `npm run token` need too). */
  env: NodeJS.ProcessEnv;
  output(): string;
}

export function spawnScript(script: string, extraEnv: NodeJS.ProcessEnv): RunningScript {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  let output = '';
  const child = spawn(...tsx(script), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, env, output: () => output };
}

/** Waits for `text` in the output; fails at once, with the output, if the script exits first. */
export async function waitForOutput(script: RunningScript, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!script.output().includes(text)) {
    const { exitCode, signalCode } = script.child;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(`it exited (${exitCode ?? signalCode}) before "${text}":\n${script.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${script.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Ctrl-C to the script's process group; SIGKILL if it has not stopped within a minute. Resolves
 * with its exit code. Its children lead groups of their own, so only the script itself gets the
 * signal: whatever it does not stop would still be running, and the tests look for that.
 */
export async function stopScript(script: RunningScript): Promise<number | null> {
  const { child } = script;
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
