/**
 * A real Temporal cluster on one machine, the parts a bank runs: the Temporal server (frontend,
 * history, matching and worker services) with its persistence and SQL visibility on PostgreSQL,
 * more than one history shard, optionally mTLS on the frontend, and the Web UI server. Built from
 * Go modules by scripts/temporal-server.sh; every port is a free one on 127.0.0.1.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, isGrpcServiceError, type ConnectionOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { LENDBRIDGE_SEARCH_ATTRIBUTES } from '#domain';
import { DEFAULT_RETENTION_DAYS, ensureRetention, registerSearchAttributes } from '#temporal';
import { REPO_ROOT } from './contracts.js';
import { type RunningPostgres } from './postgres.js';
import { freePort, runToCompletion, spawnManaged, waitUntil, type ManagedProcess } from './processes.js';
import { provision } from './temporal.js';

const TEMPLATE_DIR = join(REPO_ROOT, 'deploy', 'temporal');
const ALREADY_EXISTS = 6; // gRPC status code
const NOT_FOUND = 5;

/** mTLS on the frontend: PEM files, all signed by (or being) `caFile`. */
export interface ClusterTlsOptions {
  /** The frontend's certificate and key; the certificate must name `serverName`. */
  serverCertFile: string;
  serverKeyFile: string;
  /** Trusted for both directions: the frontend's certificate, and every client certificate. */
  caFile: string;
  /** The certificate the server's own system workers, the UI server and the setup here present. */
  clientCertFile: string;
  clientKeyFile: string;
  /** Name checked in the frontend's certificate; `localhost` when absent. */
  serverName?: string;
}

export interface TemporalClusterOptions {
  postgres: RunningPostgres;
  /** History shards; fixed once the databases exist. 4 when absent. */
  shards?: number;
  namespace?: string;
  retentionDays?: number;
  tls?: ClusterTlsOptions;
  /** Remote codec endpoint the Web UI decrypts payloads through (the API's /codec). */
  uiCodecEndpoint?: string;
  /** The frontend's gRPC port and the Web UI's port; free ones when absent. */
  frontendPort?: number;
  uiPort?: number;
  /** Where the rendered configs go; a temp dir, removed by stop(), when absent. */
  dir?: string;
  output?: 'prefixed' | 'silent';
}

export interface RunningTemporalCluster {
  /** host:port of the frontend's gRPC endpoint. */
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl: string;
  readonly shards: number;
  readonly databases: { readonly persistence: string; readonly visibility: string };
  /** What a client passes to Connection.connect (TLS material included when the frontend has it). */
  readonly connectionOptions: ConnectionOptions;
  readonly processes: readonly ManagedProcess[];
  /** UI, then server; the PostgreSQL cluster is the caller's to stop. */
  stop(): Promise<void>;
}

export const PERSISTENCE_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';

/** Directory of temporal-server, temporal-sql-tool, ui-server and the schemas; built on first use. */
export function temporalServerDir(): Promise<string> {
  return provision('temporal-server.sh');
}

/**
 * Creates a database and brings its schema to the latest version of this server. Every step is a
 * no-op when already done, so a kept PostgreSQL cluster is upgraded in place on the next start.
 */
async function setupDatabase(binDir: string, postgres: RunningPostgres, database: string, schema: string) {
  // The password goes through the environment, not the command line any local user can read.
  const env = { ...process.env, SQL_PASSWORD: postgres.password };
  const sqlTool = (...command: string[]) =>
    runToCompletion(
      `temporal-sql-tool ${database}`,
      join(binDir, 'temporal-sql-tool'),
      [
        ...['--plugin', 'postgres12', '--endpoint', postgres.host, '--port', String(postgres.port)],
        ...['--user', postgres.user, '--database', database],
        ...command,
      ],
      { env, output: 'silent' },
    );
  await sqlTool('create-database');
  await sqlTool('setup-schema', '--version', '0.0');
  await sqlTool('update-schema', '--schema-dir', join(binDir, 'schema', 'postgresql', 'v12', schema, 'versioned'));
}

/** Single quotes inside a single-quoted YAML scalar are doubled. */
const yamlQuoted = (value: string): string => value.replaceAll("'", "''");

/**
 * Fills deploy/temporal/server.yaml: `${NAME}` placeholders, and the frontend TLS block kept or
 * dropped. Refuses to leave a placeholder unfilled, which the server would read as a literal.
 */
export function renderServerConfig(values: Record<string, string | number>, tls: boolean): string {
  let text = readFileSync(join(TEMPLATE_DIR, 'server.yaml'), 'utf8');
  if (!tls) text = text.replace(/^[ \t]*# frontend-tls:begin\n[\s\S]*?^[ \t]*# frontend-tls:end\n/m, '');
  const fill = (line: string): string =>
    line.replace(/\$\{([A-Z_]+)\}/g, (placeholder, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`deploy/temporal/server.yaml: no value for ${placeholder}`);
      return typeof value === 'number' ? String(value) : yamlQuoted(value);
    });
  // Comments are left as written: they may name a placeholder to explain it.
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? line : fill(line)))
    .join('\n');
}

/**
 * A free port below 32768. PostgreSQL keeps each server's membership port in a SMALLINT column
 * (cluster_membership.rpc_port), so the OS's ephemeral ports (32768 and up here) make the server
 * fail at start with "out of range for type smallint". Ports down here are also never handed out
 * as ephemeral ones, so nothing else grabs one between this check and the server's bind.
 */
async function lowFreePort(taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await canListen(port))) return port;
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const SERVER_LISTENERS = [
  ...['FRONTEND', 'FRONTEND_HTTP', 'FRONTEND_MEMBERSHIP', 'HISTORY', 'HISTORY_MEMBERSHIP'],
  ...['MATCHING', 'MATCHING_MEMBERSHIP', 'WORKER', 'WORKER_MEMBERSHIP', 'METRICS'],
].map((name) => `${name}_PORT`);

/** The ports written down by an earlier start with this `file`, if every one is still free. */
async function earlierPorts(file: string | undefined, frontendPort: number | undefined) {
  if (!file || !existsSync(file)) return undefined;
  const ports = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  if (frontendPort) ports.FRONTEND_PORT = frontendPort;
  for (const name of SERVER_LISTENERS) {
    if (typeof ports[name] !== 'number' || !(await canListen(ports[name]))) return undefined;
  }
  return ports;
}

/**
 * The server process's listeners, each on its own free port (clients use the frontend's). A kept
 * cluster reuses its earlier ports: the database still lists the previous run's members by
 * address, and members at addresses nobody answers hold up joining the ring for a long time
 * (about 50 s seen here, with "Not enough hosts to serve the request" meanwhile).
 */
async function serverPorts(frontendPort: number | undefined, file: string | undefined) {
  const earlier = await earlierPorts(file, frontendPort);
  if (earlier) return earlier;
  const ports: Record<string, number> = {};
  const taken = new Set<number>(frontendPort ? [frontendPort] : []);
  for (const name of SERVER_LISTENERS) {
    const port = name === 'FRONTEND_PORT' && frontendPort ? frontendPort : await lowFreePort(taken);
    taken.add(port);
    ports[name] = port;
  }
  if (file) writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

function tlsValues(tls: ClusterTlsOptions | undefined): Record<string, string> {
  if (!tls) return {};
  return {
    FRONTEND_CERT_FILE: tls.serverCertFile,
    FRONTEND_KEY_FILE: tls.serverKeyFile,
    TLS_CA_FILE: tls.caFile,
    CLIENT_CERT_FILE: tls.clientCertFile,
    CLIENT_KEY_FILE: tls.clientKeyFile,
    TLS_SERVER_NAME: tls.serverName ?? 'localhost',
  };
}

/** How a client reaches the frontend: plaintext, or mTLS with the client certificate. */
function clientConnectionOptions(address: string, tls: ClusterTlsOptions | undefined): ConnectionOptions {
  if (!tls) return { address };
  return {
    address,
    tls: {
      serverNameOverride: tls.serverName ?? 'localhost',
      serverRootCACertificate: readFileSync(tls.caFile),
      clientCertPair: { crt: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile) },
    },
  };
}

/** Connects, runs `use`, and closes again; for one-off calls to the frontend. */
async function withConnection<T>(options: ConnectionOptions, use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ ...options, connectTimeout: 2_000 });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

const grpcCode = (error: unknown): number | undefined => (isGrpcServiceError(error) ? error.code : undefined);

/**
 * A fresh server has no namespace for applications. Registering one is refused when it exists (a
 * kept database), which is fine: its retention is brought to `days` either way.
 */
async function ensureNamespace(connection: Connection, namespace: string, days: number): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${days}d`),
    });
  } catch (error) {
    if (grpcCode(error) !== ALREADY_EXISTS) throw error;
  }
  await ensureRetention(connection, namespace, days);
}

/**
 * With SQL visibility, custom search attributes are a per-namespace mapping onto spare columns,
 * kept in the namespace record that every service caches (refreshed every few seconds). So adding
 * them can fail with NotFound while the frontend has not yet seen a new namespace, and a query by
 * them is refused until it has seen the mapping: retry both until a query by every one succeeds.
 */
async function ensureSearchAttributes(options: ConnectionOptions, namespace: string): Promise<void> {
  await waitUntil(
    `search attributes registered in ${namespace}`,
    () =>
      withConnection(options, async (connection) => {
        try {
          await registerSearchAttributes(connection, namespace);
          return true;
        } catch (error) {
          if (grpcCode(error) === NOT_FOUND) return false;
          throw error;
        }
      }),
    { timeoutMs: 30_000, intervalMs: 500 },
  );
  const query = LENDBRIDGE_SEARCH_ATTRIBUTES.map((key) => `${key.name} IS NULL`).join(' AND ');
  await waitUntil(
    `search attributes usable in visibility queries of ${namespace}`,
    () =>
      withConnection(options, async (connection) => {
        await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
        return true;
      }),
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

/**
 * True once history and matching serve the namespace, not only the frontend: a task queue is
 * described by matching, and an unknown workflow is answered NotFound by history. Until their
 * rings have formed, both fail with Unavailable ("Not enough hosts to serve the request").
 */
async function servesWorkflows(options: ConnectionOptions, namespace: string): Promise<boolean> {
  return withConnection(options, async (connection) => {
    await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'lendbridge-readiness' } });
    try {
      await connection.workflowService.describeWorkflowExecution({
        namespace,
        execution: { workflowId: 'lendbridge-readiness' },
      });
      return true;
    } catch (error) {
      return grpcCode(error) === NOT_FOUND;
    }
  });
}

/** The UI server reads `<dir>/<env>.yaml`; JSON is YAML, and needs no template for so little. */
function writeUiConfig(
  dir: string,
  settings: { address: string; port: number; namespace: string },
  options: TemporalClusterOptions,
) {
  const tls = options.tls;
  const config = {
    temporalGrpcAddress: settings.address,
    host: '127.0.0.1',
    port: settings.port,
    enableUi: true,
    defaultNamespace: settings.namespace,
    // No internet here, and ops do not need the UI's news feed.
    disableNewsFetch: true,
    // Plain HTTP on 127.0.0.1; behind an HTTPS ingress in production.
    cors: { cookieInsecure: true },
    // The API answers the codec only for an ops session, a cookie scoped to /codec: the browser
    // must send it cross-origin. (The dev server cannot set this; here ops need no override.)
    codec: options.uiCodecEndpoint ? { endpoint: options.uiCodecEndpoint, includeCredentials: true } : {},
    tls: tls
      ? {
          caFile: tls.caFile,
          certFile: tls.clientCertFile,
          keyFile: tls.clientKeyFile,
          serverName: tls.serverName ?? 'localhost',
          enableHostVerification: true,
        }
      : {},
  };
  mkdirSync(join(dir, 'ui'), { recursive: true });
  writeFileSync(join(dir, 'ui', 'lendbridge.yaml'), `${JSON.stringify(config, null, 2)}\n`);
}

async function startUi(binDir: string, dir: string, uiPort: number, output: 'prefixed' | 'silent') {
  const proc = spawnManaged(
    'temporal-ui',
    join(binDir, 'ui-server'),
    ['--root', dir, '--config', 'ui', '--env', 'lendbridge', 'start'],
    { output },
  );
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  await waitUntil(`Temporal UI on ${uiUrl}`, async () => (await fetch(`${uiUrl}/api/v1/settings`)).ok, {
    timeoutMs: 30_000,
    proc,
  });
  return { proc, uiUrl };
}

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<RunningTemporalCluster> {
  const { postgres, tls } = options;
  const shards = options.shards ?? 4;
  const namespace = options.namespace ?? 'default';
  const output = options.output ?? 'silent';
  const binDir = await temporalServerDir();
  const throwaway = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lendbridge-temporal-'));
  mkdirSync(dir, { recursive: true });
  const started: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const proc of [...started].reverse()) await proc.stop();
    if (throwaway) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await setupDatabase(binDir, postgres, PERSISTENCE_DATABASE, 'temporal');
    await setupDatabase(binDir, postgres, VISIBILITY_DATABASE, 'visibility');

    const ports = await serverPorts(options.frontendPort, throwaway ? undefined : join(dir, 'ports.json'));
    const address = `127.0.0.1:${ports.FRONTEND_PORT}`;
    writeFileSync(join(dir, 'dynamicconfig.yaml'), readFileSync(join(TEMPLATE_DIR, 'dynamicconfig.yaml')));
    const config = renderServerConfig(
      {
        LOG_LEVEL: 'warn',
        HISTORY_SHARDS: shards,
        PERSISTENCE_DATABASE,
        VISIBILITY_DATABASE,
        POSTGRES_ADDRESS: `${postgres.host}:${postgres.port}`,
        POSTGRES_USER: postgres.user,
        POSTGRES_PASSWORD: postgres.password,
        DYNAMIC_CONFIG_FILE: join(dir, 'dynamicconfig.yaml'),
        ...ports,
        ...tlsValues(tls),
      },
      tls !== undefined,
    );
    // It holds the database password: readable by its owner only.
    writeFileSync(join(dir, 'server.yaml'), config, { mode: 0o600 });

    const server = spawnManaged(
      'temporal-server',
      join(binDir, 'temporal-server'),
      // No authorizer: on 127.0.0.1 (and behind mTLS when on) every caller is the stack itself.
      ['--config-file', join(dir, 'server.yaml'), '--allow-no-auth', 'start'],
      { output },
    );
    started.push(server);
    const connectionOptions = clientConnectionOptions(address, tls);
    // Describing the server's own namespace proves the frontend is up and reads its database;
    // history and matching are waited for once the namespace exists (servesWorkflows).
    await waitUntil(
      `Temporal frontend on ${address}`,
      () =>
        withConnection(connectionOptions, async (connection) => {
          await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
          return true;
        }),
      { timeoutMs: 90_000, intervalMs: 500, proc: server },
    );
    await withConnection(connectionOptions, (connection) =>
      ensureNamespace(connection, namespace, options.retentionDays ?? DEFAULT_RETENTION_DAYS),
    );
    await ensureSearchAttributes(connectionOptions, namespace);
    await waitUntil(`history and matching to serve ${namespace}`, () => servesWorkflows(connectionOptions, namespace), {
      timeoutMs: 120_000,
      intervalMs: 500,
      proc: server,
    });

    const uiPort = options.uiPort ?? (await freePort());
    writeUiConfig(dir, { address, port: uiPort, namespace }, options);
    const ui = await startUi(binDir, dir, uiPort, output);
    started.push(ui.proc);

    return {
      address,
      namespace,
      uiUrl: ui.uiUrl,
      shards,
      databases: { persistence: PERSISTENCE_DATABASE, visibility: VISIBILITY_DATABASE },
      connectionOptions,
      processes: [...started],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
