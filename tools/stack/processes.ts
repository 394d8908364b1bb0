/**
 * Starting and stopping the local stack's processes. Every process started here is stopped when
 * its owner stops it, and killed if the owning Node process exits first, so none outlives a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends, for whatever reason. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Sends `signal` to the process and what it started (fault injection: SIGKILL); resolves on exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The last lines it printed, for error messages when it fails to start. */
  recentOutput(): string;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where output goes: each line prefixed with the name, or nowhere. */
  output?: 'prefixed' | 'silent';
}

/** Every process started here that has not exited yet, in start order. */
const running: ManagedProcess[] = [];
process.once('exit', () => {
  for (const proc of running) killGroup(proc.child, 'SIGKILL');
});

/** Processes still running, newest first: the order to stop them in. */
export function runningProcesses(): ManagedProcess[] {
  return [...running].reverse();
}

/** Signals the child's whole process group (it leads one), so helpers it spawned go too. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already, or was never created
  }
}

export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only the orchestrator, which stops the
    // stack in order, and stopping a process stops whatever it started.
    detached: true,
  });
  // The first lines say why a process failed to start (a Go panic's message comes before its 40
  // lines of stack); the last say what it did lately.
  const first: string[] = [];
  const recent: string[] = [];
  let lines = 0;
  const onLine = (line: string): void => {
    lines += 1;
    if (first.length < 10) first.push(line);
    else recent.push(line);
    if (recent.length > 40) recent.shift();
    if (options.output !== 'silent') process.stdout.write(`[${name}] ${line}\n`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', onLine);
  }
  const forget = (): void => {
    const index = running.indexOf(managed);
    if (index >= 0) running.splice(index, 1);
  };
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      forget();
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      forget();
      recent.push(String(error));
      resolve(`spawn error: ${error.message}`);
    });
  });
  const managed: ManagedProcess = {
    name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, signal);
      await exited;
    },
    recentOutput: () => [...first, ...(lines > first.length + recent.length ? ['…'] : []), ...recent].join('\n'),
  };
  running.push(managed);
  return managed;
}

/** Runs a command to completion (output prefixed); rejects unless it exits with 0. */
export async function runToCompletion(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<void> {
  const proc = spawnManaged(name, command, args, options);
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${name} failed (${code}):\n${proc.recentOutput()}`);
}

/** Polls `probe` until it resolves truthy; fails with `what` after `timeoutMs` or when `proc` dies. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  {
    timeoutMs = 60_000,
    intervalMs = 200,
    proc,
  }: { timeoutMs?: number; intervalMs?: number; proc?: ManagedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died: number | string | undefined;
  void proc?.exited.then((code) => (died = code));
  for (;;) {
    if (died !== undefined && proc) {
      throw new Error(`${proc.name} exited (${died}) before ${what}:\n${proc.recentOutput()}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${proc ? `:\n${proc.recentOutput()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True when something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
