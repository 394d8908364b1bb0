/**
 * The Temporal servers of the local stack: the official CLI's dev server (with Web UI) and the Java
 * time-skipping test server, both provisioned by scripts under scripts/ and cached outside the repo.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { REPO_ROOT } from './contracts.js';
import { spawnManaged, waitUntil, type ManagedProcess } from './processes.js';

/**
 * Runs a provisioning script under scripts/ without blocking the event loop (a first build takes
 * minutes, and a Ctrl-C must still be handled). The script prints progress on stderr and the path
 * on stdout.
 */
export function provision(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, 'scripts', script)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    // 'close', not 'exit': 'exit' can come before the last of stdout has been read (seen in CI as
    // "printed no path" under load), 'close' only once the script's output streams are done.
    child.once('close', (code, signal) => {
      const path = stdout.trim();
      if (code === 0 && path !== '') resolve(path);
      // An empty answer would reach the caller as a nameless "executable does not exist".
      else reject(new Error(`scripts/${script} ${code === 0 ? 'printed no path' : `failed (${code ?? signal})`}`));
    });
  });
}

/** Path of the Temporal CLI; builds it from Go modules on first use (minutes). */
export function temporalCliPath(): Promise<string> {
  return provision('temporal-cli.sh');
}

/** Path of the time-skipping test server wrapper; fetched from Maven Central on first use. */
export function timeSkippingServerPath(): Promise<string> {
  return provision('temporal-test-server.sh');
}

export interface DevServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  namespace?: string;
  /** Remote codec endpoint the Web UI decrypts payloads through. */
  uiCodecEndpoint?: string;
  output?: 'prefixed' | 'silent';
}

export interface RunningDevServer extends ManagedProcess {
  readonly address: string;
  readonly uiUrl: string;
}

/**
 * Starts the dev server; a server that exits while starting is started once more. It picks some of
 * its own ports (membership, HTTP) as it starts, and one taken by another process in between makes
 * it exit at once; a second start picks others. A server that never answers is not retried.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  try {
    return await startDevServerOnce(options);
  } catch (error) {
    if (!(error instanceof ExitedWhileStarting)) throw error;
    console.warn(`[lendbridge] the Temporal dev server exited while starting; starting it once more: ${error.message}`);
    return await startDevServerOnce(options);
  }
}

class ExitedWhileStarting extends Error {}

async function startDevServerOnce(options: DevServerOptions): Promise<RunningDevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace ?? 'default',
    '--log-level',
    'warn',
    // No internet here, and ops do not need the UI's news feed.
    '--ui-disable-news-fetch',
  ];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  const proc = spawnManaged('temporal', await temporalCliPath(), args, { output: options.output ?? 'silent' });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntil(
      `Temporal dev server on ${address}`,
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: options.namespace ?? 'default' });
          return true;
        } finally {
          await connection.close();
        }
      },
      { timeoutMs: 60_000, intervalMs: 300, proc },
    );
  } catch (error) {
    const exited = proc.child.exitCode !== null || proc.child.signalCode !== null;
    await proc.stop();
    throw exited ? new ExitedWhileStarting(error instanceof Error ? error.message : String(error)) : error;
  }
  return Object.assign(proc, { address, uiUrl: `http://127.0.0.1:${options.uiPort}` });
}
