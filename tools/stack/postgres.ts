/**
 * A PostgreSQL cluster of the production-topology stack: Temporal's persistence and visibility
 * database, as a bank would run it, but started on a free port of 127.0.0.1 from Debian's server
 * programs (scripts/ensure-postgres.sh installs them). Throwaway in a temp dir by default; kept in
 * a given directory otherwise, so `npm run stack:cluster` keeps its workflows across restarts.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, runToCompletion, spawnManaged, waitUntil, type ManagedProcess } from './processes.js';
import { provision } from './temporal.js';

/** The superuser initdb creates; Temporal and its schema tool log in as it. */
export const POSTGRES_USER = 'temporal';

export interface PostgresOptions {
  /** Keeps the cluster here across runs; a temp dir, removed by stop(), when absent. */
  dir?: string;
  port?: number;
  output?: 'prefixed' | 'silent';
}

export interface RunningPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Holds `data/` (PGDATA), the password file and the Unix socket. */
  readonly dir: string;
  readonly process: ManagedProcess;
  /** Fast shutdown (open sessions are ended), then the temp dir is removed if it was one. */
  stop(): Promise<void>;
}

/** Directory of initdb, postgres and pg_isready; installs Debian's postgresql when missing. */
export function postgresBinDir(): Promise<string> {
  return provision('ensure-postgres.sh');
}

interface DbUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root, its programs run as an unprivileged account instead
 * (Debian's `postgres`, else `nobody`); as anyone else, as that user.
 */
function unprivilegedUser(): DbUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string): number => Number(execFileSync('id', [flag, name]).toString().trim());
      return { name, uid: id('-u'), gid: id('-g') };
    } catch {
      // no such account; try the next
    }
  }
  throw new Error('running as root, but neither a "postgres" nor a "nobody" account exists to run PostgreSQL as');
}

/** The command line that runs `program` as `user`; setpriv execs, so signals reach the program itself. */
function asUser(user: DbUser | undefined, program: string, args: string[]): [string, string[]] {
  if (!user) return [program, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', program, ...args]];
}

/** Creates the cluster unless `dir` holds one; returns the superuser's password. */
async function initCluster(binDir: string, dir: string, user: DbUser | undefined): Promise<string> {
  const passwordFile = join(dir, 'password');
  if (existsSync(join(dir, 'data', 'PG_VERSION'))) return readFileSync(passwordFile, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid); // initdb reads it as that user
    // A directory above `dir` closed to other users (mktemp -d makes them 0700) stops the account
    // at the door, and initdb would only say "Permission denied" about the password file.
    const [test, testArgs] = asUser(user, 'test', ['-r', passwordFile]);
    if (spawnSync(test, testArgs).status !== 0) {
      throw new Error(
        `PostgreSQL runs as "${user.name}" (it refuses root), which cannot reach ${dir}: a directory ` +
          'above it is closed to other users. Choose one it can enter (the default .data/cluster is).',
      );
    }
  }
  // TCP clients must give the password (as in production); the socket, in a directory only the
  // database account can enter, is trusted. No locale: the same collation on every machine.
  const [command, args] = asUser(user, join(binDir, 'initdb'), [
    ...['-D', join(dir, 'data'), '-U', POSTGRES_USER, `--pwfile=${passwordFile}`],
    ...['--auth-host=scram-sha-256', '--auth-local=trust', '--no-locale', '-E', 'UTF8'],
  ]);
  await runToCompletion('initdb', command, args, { cwd: dir, output: 'silent' });
  return password;
}

/** True when the server accepts sessions (pg_isready exits 0), not merely TCP connections. */
function acceptsSessions(binDir: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER], (error) =>
      resolve(!error),
    );
  });
}

/**
 * SIGINT is PostgreSQL's fast shutdown: sessions still open (a Temporal server being stopped) are
 * ended instead of waited for, as SIGTERM's smart shutdown would. SIGKILL if it hangs.
 */
async function fastShutdown(proc: ManagedProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(resolve, 15_000, 'hung')));
  const outcome = await Promise.race([proc.exited, hung]);
  clearTimeout(timer);
  if (outcome === 'hung') await proc.stop(1_000);
}

export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const binDir = await postgresBinDir();
  const user = unprivilegedUser();
  const throwaway = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lendbridge-pg-'));
  // The parents get the usual permissions (a recursive mkdir would give them 0700 too, which would
  // lock the database's own account out); only `dir` itself is closed to others.
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const removeIfThrowaway = (): void => {
    if (throwaway) rmSync(dir, { recursive: true, force: true });
  };
  let proc: ManagedProcess | undefined;
  try {
    const password = await initCluster(binDir, dir, user);
    const port = options.port ?? (await freePort());
    const settings = [
      ...['listen_addresses=127.0.0.1', `unix_socket_directories=${dir}`],
      // One Temporal process opens a pool per service and store: more than the default 100.
      'max_connections=300',
      // A throwaway cluster trades crash safety for speed; a kept one stays durable.
      ...(throwaway ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
    ];
    const [command, args] = asUser(user, join(binDir, 'postgres'), [
      ...['-D', join(dir, 'data'), '-p', String(port)],
      ...settings.flatMap((setting) => ['-c', setting]),
    ]);
    proc = spawnManaged('postgres', command, args, { cwd: dir, output: options.output ?? 'silent' });
    const started = proc;
    await waitUntil(`PostgreSQL on 127.0.0.1:${port}`, () => acceptsSessions(binDir, port), {
      timeoutMs: 60_000,
      intervalMs: 200,
      proc: started,
    });
    return {
      host: '127.0.0.1',
      port,
      user: POSTGRES_USER,
      password,
      dir,
      process: started,
      async stop() {
        await fastShutdown(started);
        removeIfThrowaway();
      },
    };
  } catch (error) {
    if (proc) await fastShutdown(proc);
    removeIfThrowaway();
    throw error;
  }
}
