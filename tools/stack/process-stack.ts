/**
 * The whole stack as separate processes, for load runs (fault injection, benchmarks): the Temporal
 * dev server, anvil with both registries, a webhook receiver, and the built API and worker
 * (`npm run build`) started as `npm run dev` starts them, on free ports. Each process can be
 * killed, stopped or restarted: the dev server keeps its state in a SQLite file and anvil in a
 * state file, so both come back with what they had.
 *
 * An API or worker that exits without being told to is restarted after a second, as a process
 * supervisor (systemd, Kubernetes) would, and counted in `restarts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { lendbridgeDataConverter } from '#codec';
import { loadConfig, type CodecKeys } from '#config';
import { formatActionKeys, newActionSigningKey } from '#domain';
import { registerSearchAttributes } from '#temporal';
import { DEV_CHAIN_ID, devProvider, startAnvil, type RunningAnvil } from './anvil.js';
import { deployDevLedger, devLedgerAddresses } from './dev-ledger.js';
import { actionKeys } from './kept-state.js';
import {
  apiEnv,
  replicaEnv,
  spawnApi,
  spawnWorker,
  waitForApi,
  workerEnv,
  type AppSettings,
} from './lendbridge-apps.js';
import { startPostgres, type RunningPostgres } from './postgres.js';
import { freePort, type ManagedProcess } from './processes.js';
import { startTemporalCluster, type RunningTemporalCluster } from './temporal-cluster.js';
import { startTemporalDevServer, type RunningDevServer } from './temporal.js';
import { startWebhookInbox, type WebhookInbox } from './webhook-receiver.js';

const NAMESPACE = 'default';
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export interface ProcessStackOptions {
  /** Names this scenario's task queue and temp directory. */
  label: string;
  /**
   * `dev`: the Temporal dev server on a SQLite file (the default). `cluster`: the production
   * topology, PostgreSQL and the Temporal server with 4 history shards (tools/stack/temporal-cluster.ts).
   */
  topology?: 'dev' | 'cluster';
  workers: number;
  apis: number;
  log(message: string): void;
}

type Role = 'worker' | 'api';

export class ProcessStack {
  readonly restarts: Record<string, number> = {};
  private readonly processes = new Map<string, ManagedProcess>();
  /** Names of processes the scenario stopped on purpose and has not started again. */
  private readonly downOnPurpose = new Set<string>();
  private stopping = false;

  private constructor(
    private readonly options: ProcessStackOptions,
    private readonly dir: string,
    private readonly ports: { temporal: number; ui: number; anvil: number; apis: number[] },
    private temporal: RunningDevServer | RunningTemporalCluster,
    private readonly postgres: RunningPostgres | undefined,
    private anvil: RunningAnvil,
    readonly receiver: WebhookInbox,
    readonly settings: AppSettings,
    private readonly workerVars: NodeJS.ProcessEnv,
    readonly jwtSecret: string,
    readonly evidenceReferenceKey: string,
    readonly codec: CodecKeys,
    readonly connection: Connection,
  ) {}

  static async start(options: ProcessStackOptions): Promise<ProcessStack> {
    const dir = mkdtempSync(join(tmpdir(), `lendbridge-stack-${options.label}-`));
    // What set-up started so far, undone in reverse if a later step fails: nothing outlives it.
    const undo: (() => Promise<unknown> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
    try {
      return await ProcessStack.assemble(options, dir, undo);
    } catch (error) {
      for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => undefined);
      throw error;
    }
  }

  private static async assemble(
    options: ProcessStackOptions,
    dir: string,
    undo: (() => Promise<unknown> | void)[],
  ): Promise<ProcessStack> {
    const ports = {
      temporal: await freePort(),
      ui: await freePort(),
      anvil: await freePort(),
      apis: await Promise.all(Array.from({ length: options.apis }, () => freePort())),
    };
    let postgres: RunningPostgres | undefined;
    let temporal: RunningDevServer | RunningTemporalCluster;
    if (options.topology === 'cluster') {
      const db = await startPostgres(); // its own temp dir: one the database's unprivileged user can enter
      postgres = db;
      undo.push(() => db.stop());
      temporal = await startTemporalCluster({ postgres, namespace: NAMESPACE, dir: join(dir, 'temporal') });
    } else {
      temporal = await startTemporalDevServer(temporalOptions(dir, ports));
    }
    const server = temporal;
    undo.push(() => server.stop());
    const connection = await Connection.connect({ address: temporal.address });
    undo.push(() => connection.close());
    await registerSearchAttributes(connection, NAMESPACE);
    const anvil = await startAnvil({ port: ports.anvil, stateFile: join(dir, 'anvil-state.json') });
    undo.push(() => anvil.stop());
    const addresses = devLedgerAddresses(await deployDevLedger(anvil.rpcUrl, DEV_CHAIN_ID));
    const webhookSecret = hex(32);
    const receiver = await startWebhookInbox(webhookSecret);
    undo.push(() => receiver.close());
    const jwtSecret = hex(32);
    const evidenceReferenceKey = hex(32);
    const settings: AppSettings = {
      temporalAddress: temporal.address,
      namespace: NAMESPACE,
      taskQueue: `lendbridge-${options.label}`,
      temporalUiUrl: temporal.uiUrl,
      rpcUrl: anvil.rpcUrl,
      chainId: DEV_CHAIN_ID,
      ...addresses,
      codec: { CODEC_KEYS: `run-1:${hex(32)}` },
      auth: { AUTH_JWT_SECRET: jwtSecret },
      actions: actionKeys(formatActionKeys({ 'run-1': newActionSigningKey('run-1').secretKey })),
      extra: {
        // Every request comes from 127.0.0.1: the per-address limit would throttle the load itself.
        API_RATE_LIMIT_PER_MINUTE: '100000000',
        LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
      },
    };
    const workerVars = workerEnv(settings, {
      evidenceReferenceKey,
      webhook: { url: receiver.url, secret: webhookSecret },
    });
    const config = loadConfig(workerVars);
    const stack = new ProcessStack(
      options,
      dir,
      ports,
      temporal,
      postgres,
      anvil,
      receiver,
      settings,
      workerVars,
      jwtSecret,
      evidenceReferenceKey,
      config.codec,
      connection,
    );
    // From here the stack's own stop undoes everything, the processes it launched included.
    undo.splice(0, undo.length, () => stack.stop());
    for (let i = 0; i < options.workers; i++) stack.startWorker(i);
    for (let i = 0; i < options.apis; i++) stack.startApi(i);
    await Promise.all(stack.apiUrls.map((url, i) => waitForApi(url, stack.processes.get(`api-${i}`)!)));
    return stack;
  }

  get apiUrls(): string[] {
    return this.ports.apis.map((port) => `http://127.0.0.1:${port}`);
  }

  /** A client with lendbridge's codec, for checking outcomes; reconnects by itself after a restart. */
  client(): Client {
    return new Client({
      connection: this.connection,
      namespace: NAMESPACE,
      dataConverter: lendbridgeDataConverter(this.codec),
    });
  }

  get ledger(): { rpcUrl: string; chainId: number; registryAddress: string; evidenceAddress: string } {
    const { rpcUrl, chainId, registryAddress, evidenceAddress } = this.settings;
    return { rpcUrl, chainId, registryAddress, evidenceAddress };
  }

  /** Process ids for CPU and memory sampling. */
  pids(): Record<string, number | undefined> {
    const pids: Record<string, number | undefined> = { anvil: this.anvil.child.pid };
    if ('child' in this.temporal) pids.temporal = this.temporal.child.pid;
    else for (const proc of this.temporal.processes) pids[proc.name] = proc.child.pid;
    if (this.postgres) pids.postgres = this.postgres.process.child.pid;
    for (const [name, proc] of this.processes) pids[name] = proc.child.pid;
    return pids;
  }

  startWorker(index: number): void {
    const env = replicaEnv(this.workerVars, index);
    this.launch(`worker-${index}`, 'worker', () => spawnWorker(`worker-${index}`, env, 'silent'));
  }

  startApi(index: number): void {
    const env = apiEnv(this.settings, this.ports.apis[index]!);
    this.launch(`api-${index}`, 'api', () => spawnApi(`api-${index}`, env, 'silent'));
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is simply gone, as when a machine dies. */
  async kill(role: Role, index: number): Promise<void> {
    const name = `${role}-${index}`;
    this.downOnPurpose.add(name);
    await this.processes.get(name)?.kill('SIGKILL');
  }

  /** Stops the Temporal dev server and starts it again on the same port and SQLite file. */
  async restartTemporal(downMs: number): Promise<void> {
    if (!('child' in this.temporal)) throw new Error('restarting Temporal is a dev-server scenario');
    await this.temporal.stop();
    await sleep(downMs);
    this.temporal = await startTemporalDevServer(temporalOptions(this.dir, this.ports));
  }

  /** Stops anvil (it writes its state file on the way out); `startAnvil` brings it back with it. */
  async stopAnvil(): Promise<void> {
    await this.anvil.stop();
  }

  async startAnvil(): Promise<void> {
    this.anvil = await startAnvil({ port: this.ports.anvil, stateFile: join(this.dir, 'anvil-state.json') });
    // The restarted chain must still hold the registries, or every check after this is meaningless.
    const provider = devProvider(this.anvil.rpcUrl);
    try {
      const code = await provider.getCode(this.settings.evidenceAddress);
      if (code === '0x') throw new Error('anvil came back without the registries: its state was not kept');
    } finally {
      provider.destroy();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const proc of [...this.processes.values()].reverse()) await proc.stop(5_000);
    await this.receiver.close();
    await this.connection.close().catch(() => undefined);
    await this.anvil.stop();
    await this.temporal.stop();
    await this.postgres?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private launch(name: string, role: Role, spawn: () => ManagedProcess): void {
    this.downOnPurpose.delete(name);
    const proc = spawn();
    this.processes.set(name, proc);
    void proc.exited.then(async (code) => {
      if (this.stopping || this.downOnPurpose.has(name) || this.processes.get(name) !== proc) return;
      this.restarts[name] = (this.restarts[name] ?? 0) + 1;
      this.options.log(`${name} exited on its own (${code}); restarting it as a supervisor would`);
      await sleep(1_000);
      if (this.stopping || this.downOnPurpose.has(name)) return;
      if (role === 'worker') this.startWorker(Number(name.split('-')[1]));
      else this.startApi(Number(name.split('-')[1]));
    });
  }
}

function temporalOptions(
  dir: string,
  ports: { temporal: number; ui: number },
): Parameters<typeof startTemporalDevServer>[0] {
  return { port: ports.temporal, uiPort: ports.ui, namespace: NAMESPACE, dbFile: join(dir, 'temporal.sqlite') };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
