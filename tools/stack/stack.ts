/**
 * The one stack builder: Temporal (the dev server, or the production topology of PostgreSQL and the
 * Temporal server), anvil with both registries, the keys every API and worker share, optionally a
 * webhook receiver, and the built API and worker processes (`npm run build`). `npm run dev`,
 * `npm run stack:cluster`, the fault-injection runs, the benchmarks and the API test suites all
 * start their stack here; what differs between them is options, not wiring.
 *
 * Everything lives in a data directory: a kept one (`npm run dev`: state, keys and the deployed
 * contracts survive a restart) or a temporary one that `stop()` removes. Processes are stopped in
 * the reverse order of their start, the database last, so nothing outlives `stop()`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { lendbridgeDataConverter } from '#codec';
import { loadConfig, type CodecKeys } from '#config';
import { ensureRetention, registerSearchAttributes } from '#temporal';
import { DEV_CHAIN_ID, devProvider, startAnvil, type RunningAnvil } from './anvil.js';
import { REPO_ROOT } from './contracts.js';
import { deployDevLedger, devLedgerAddresses } from './dev-ledger.js';
import {
  keptAnvilStateFile,
  keptAppKeys,
  keptSecret,
  keptWebhookSecrets,
  startKeptDevLedger,
  writeWebhookEndpointsFile,
  type KeptLedger,
} from './kept-state.js';
import {
  apiEnv,
  baseEnv,
  replicaEnv,
  spawnApi,
  spawnWorker,
  waitForApi,
  workerEnv,
  type AppSettings,
} from './lendbridge-apps.js';
import { startPostgres, type RunningPostgres } from './postgres.js';
import { freePort, isListening, runToCompletion, type ManagedProcess } from './processes.js';
import { startTemporalCluster, type RunningTemporalCluster } from './temporal-cluster.js';
import { startTemporalDevServer, type RunningDevServer } from './temporal.js';
import { startWebhookInbox, type WebhookInbox } from './webhook-receiver.js';

/** The tenants of the local stack's tokens (`npm run token`), the demo, the benchmarks and the tests. */
export const DEV_TENANTS = ['bank-a', 'bank-b'] as const;

export interface StackOptions {
  /** Names the task queue (`lendbridge-<label>` unless taskQueue is given) and a temporary data directory. */
  label: string;
  /**
   * `dev`: the Temporal dev server (the default). `cluster`: the production topology, PostgreSQL and
   * the Temporal server with history shards and SQL visibility (temporal-cluster.ts).
   */
  topology?: 'dev' | 'cluster';
  /** A kept data directory; absent, a temporary one that stop() removes. */
  dataDir?: string;
  /** Fixed ports, checked free before anything starts (a developer's stack); those left out are free ones. */
  ports?: { apis?: number[]; temporal?: number; temporalUi?: number; anvil?: number; webhooks?: number };
  /** The variables that set those ports, named when one is taken (API_PORT, TEMPORAL_PORT, ...). */
  portVariables?: { apis?: string; temporal?: string; temporalUi?: string; anvil?: string; webhooks?: string };
  workers: number;
  apis: number;
  namespace?: string;
  taskQueue?: string;
  /** History shards of the cluster topology (default 4). */
  shards?: number;
  /**
   * A Temporal of the caller's (one with mTLS, say), set up with lendbridge's search attributes
   * already: the stack starts none, and connects to it with these options.
   */
  externalTemporal?: { namespace: string; connection: ConnectionOptions & { address: string } };
  /**
   * The dev server and anvil keep their state in memory (nothing to restart from, nothing written to
   * disk while it runs), as a benchmark or a test of the API wants.
   */
  inMemory?: boolean;
  /** Run `npm run build` before starting the API and worker (they run from dist/). */
  build?: boolean;
  /**
   * Start a webhook receiver with an endpoint for each of the development tenants (DEV_TENANTS),
   * each with its own secret kept in the data directory, and point the workers at them.
   */
  webhookReceiver?: boolean;
  /**
   * The caller's environment: keys it sets (CODEC_KEYS, AUTH_JWT_SECRET, ACTION_SIGNING_KEY with
   * ACTION_VERIFY_KEYS, EVIDENCE_REFERENCE_KEY, ...) win over kept ones, and the apps inherit the rest.
   * Absent, the apps get only PATH and the like (lendbridge-apps.ts baseEnv) and every key is the stack's.
   */
  env?: NodeJS.ProcessEnv;
  /** Settings for every API and worker, set last (LOG_LEVEL, API_RATE_LIMIT_PER_MINUTE, ...). */
  extra?: NodeJS.ProcessEnv;
  /**
   * An API or worker that exits without being told to: `restart` it after a second, as a process
   * supervisor (systemd, Kubernetes) would, counting it in `restarts`; or `fail`: `failed` rejects.
   */
  onAppExit: 'restart' | 'fail';
  output: 'prefixed' | 'silent';
  log(message: string): void;
}

/**
 * What a load run's stack adds (fault injection, bench:scale): a webhook receiver, no per-address
 * rate limit (every request comes from 127.0.0.1, so it would throttle the load itself), quiet logs,
 * and apps restarted as a supervisor would.
 */
export const LOAD_RUN = {
  webhookReceiver: true,
  extra: { API_RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: process.env.LOG_LEVEL || 'warn' },
  onAppExit: 'restart',
  output: 'silent',
} as const satisfies Partial<StackOptions>;

type Role = 'worker' | 'api';
/** A Temporal the stack did not start: nothing to watch, nothing to stop. */
interface ExternalTemporal {
  address: string;
  uiUrl: string;
  processes: ManagedProcess[];
  stop(): Promise<void>;
}
type TemporalServer = RunningDevServer | RunningTemporalCluster | ExternalTemporal;

export class Stack {
  readonly restarts: Record<string, number> = {};
  /** Rejects when a process exits on its own and onAppExit is `fail` (any infrastructure process always). */
  readonly failed: Promise<never>;
  private readonly processes = new Map<string, ManagedProcess>();
  /** Names of processes stopped on purpose and not started again. */
  private readonly downOnPurpose = new Set<string>();
  private stopping = false;
  private failWith: (error: Error) => void = () => undefined;
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly options: StackOptions,
    /** The data directory: kept, or temporary (removed by stop). */
    readonly dir: string,
    private readonly ports: { temporal: number; ui: number; anvil: number; apis: number[] },
    private temporal: TemporalServer,
    readonly postgres: RunningPostgres | undefined,
    private anvilProcess: RunningAnvil,
    /** False when the registries were found in the kept data directory from an earlier start. */
    readonly deployed: boolean,
    readonly receiver: WebhookInbox | undefined,
    readonly settings: AppSettings,
    readonly workerVars: NodeJS.ProcessEnv,
    readonly evidenceReferenceKey: string,
    readonly codec: CodecKeys,
    readonly connection: Connection,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.failWith = reject));
    this.failed.catch(() => undefined); // observed by whoever awaits it; unobserved otherwise
  }

  static async start(options: StackOptions): Promise<Stack> {
    const kept = options.dataDir !== undefined;
    const dir = kept ? resolve(options.dataDir!) : mkdtempSync(join(tmpdir(), `lendbridge-stack-${options.label}-`));
    mkdirSync(dir, { recursive: true });
    // What set-up started so far, undone in reverse if a later step fails: nothing outlives it.
    const undo: (() => Promise<unknown> | void)[] = kept ? [] : [() => rmSync(dir, { recursive: true, force: true })];
    try {
      return await Stack.assemble(options, dir, undo);
    } catch (error) {
      for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => undefined);
      throw error;
    }
  }

  private static async assemble(
    options: StackOptions,
    dir: string,
    undo: (() => Promise<unknown> | void)[],
  ): Promise<Stack> {
    const { output } = options;
    const log = (message: string): void => options.log(message);
    const kept = options.dataDir !== undefined;
    const namespace = options.externalTemporal?.namespace ?? options.namespace ?? 'default';
    const env = options.env ?? {};
    const fixed = options.ports ?? {};
    const clustered = options.topology === 'cluster' && !options.externalTemporal;
    // The cluster picks its own free ports below 32768 (it keeps them in a SMALLINT column) unless given some.
    const ports = {
      temporal: fixed.temporal ?? (clustered ? 0 : await freePort()),
      ui: fixed.temporalUi ?? (clustered ? 0 : await freePort()),
      anvil: fixed.anvil ?? (await freePort()),
      apis: fixed.apis ?? (await Promise.all(Array.from({ length: options.apis }, () => freePort()))),
    };
    if (options.ports) {
      const named = options.portVariables ?? {};
      await assertPortsFree([
        [ports.temporal, named.temporal ?? 'the Temporal port'],
        [ports.ui, named.temporalUi ?? 'the Temporal UI port'],
        [ports.anvil, named.anvil ?? 'the anvil port'],
        ...ports.apis.map((port): [number, string] => [port, named.apis ?? 'the API port']),
        ...(options.webhookReceiver && fixed.webhooks !== undefined
          ? [[fixed.webhooks, named.webhooks ?? 'the webhook receiver port'] as [number, string]]
          : []),
      ]);
    }
    const uiCodecEndpoint = ports.apis[0] === undefined ? undefined : `http://127.0.0.1:${ports.apis[0]}/codec`;

    let postgres: RunningPostgres | undefined;
    const startTemporal = async (): Promise<{ temporal: TemporalServer; connection: Connection }> => {
      let temporal: TemporalServer;
      if (options.externalTemporal) {
        const { address } = options.externalTemporal.connection;
        temporal = { address, uiUrl: '', processes: [], stop: () => Promise.resolve() };
      } else if (options.topology === 'cluster') {
        // The server keeps its membership ports in a SMALLINT column: the frontend's too, to be safe.
        if (ports.temporal >= 32_768) throw new Error(`the Temporal port (${ports.temporal}) must be below 32768`);
        log(`starting PostgreSQL${kept ? ` (data in ${join(dir, 'postgres')})` : ''}`);
        // A temporary one gets its own temp dir: one the database's unprivileged user can enter.
        const db = await startPostgres({ ...(kept && { dir: join(dir, 'postgres') }), output });
        postgres = db;
        undo.push(() => db.stop());
        log('starting the Temporal server on PostgreSQL and its Web UI (the first run builds them: minutes)');
        temporal = await startTemporalCluster({
          postgres: db,
          shards: options.shards ?? 4,
          namespace,
          ...(fixed.temporal && { frontendPort: fixed.temporal }),
          ...(fixed.temporalUi && { uiPort: fixed.temporalUi }),
          // The UI decrypts payloads through an API's codec endpoint, for an ops session only.
          ...(uiCodecEndpoint && { uiCodecEndpoint }),
          dir: join(dir, 'temporal'),
          output,
        });
      } else {
        log('starting the Temporal dev server (the first run builds the Temporal CLI: minutes)');
        mkdirSync(join(dir, 'temporal'), { recursive: true });
        temporal = await startTemporalDevServer({
          port: ports.temporal,
          uiPort: ports.ui,
          namespace,
          ...(!options.inMemory && { dbFile: devServerDbFile(dir) }),
          ...(uiCodecEndpoint && { uiCodecEndpoint }),
          output,
        });
      }
      const server = temporal;
      undo.push(() => server.stop());
      const connection = await Connection.connect(
        options.externalTemporal?.connection ?? { address: temporal.address },
      );
      undo.push(() => connection.close());
      if (!options.externalTemporal) {
        const added = await registerSearchAttributes(connection, namespace);
        if (added.length > 0) log(`registered search attributes: ${added.join(', ')}`);
        if (await ensureRetention(connection, namespace)) log(`set retention of namespace ${namespace} to 30 days`);
      }
      return { temporal, connection };
    };
    const startLedger = async (): Promise<KeptLedger> => {
      log('starting anvil');
      const ledger = await onFreePort(fixed.anvil, ports.anvil, async (port) => {
        ports.anvil = port;
        return options.inMemory ? await startInMemoryLedger(port, output) : await startKeptDevLedger(dir, port, output);
      });
      undo.push(() => ledger.anvil.stop());
      log(
        `${ledger.deployed ? 'deployed' : 'reusing'} CreditReportRegistry at ${ledger.registryAddress}, EvidenceRegistry at ${ledger.evidenceAddress}`,
      );
      return ledger;
    };
    // Neither needs the other: started side by side. Each records its own undo as it goes, so a
    // failure of either stops what both started.
    const [temporalStart, ledgerStart] = await Promise.allSettled([startTemporal(), startLedger()]);
    if (temporalStart.status === 'rejected') throw temporalStart.reason;
    if (ledgerStart.status === 'rejected') throw ledgerStart.reason;
    const { temporal, connection } = temporalStart.value;
    const ledger = ledgerStart.value;
    const { registryAddress, evidenceAddress } = ledger;

    let receiver: WebhookInbox | undefined;
    let webhookEndpointsFile: string | undefined;
    if (options.webhookReceiver) {
      const inbox = await startWebhookInbox({
        secrets: keptWebhookSecrets(dir, DEV_TENANTS),
        ...(options.ports?.webhooks !== undefined && { port: options.ports.webhooks }),
        ...(options.output === 'prefixed' && { log }),
      }).catch((error: unknown) => {
        const variable = options.portVariables?.webhooks;
        if (variable && error instanceof Error && /EADDRINUSE/.test(error.message)) {
          throw new Error(
            `port ${options.ports?.webhooks} is taken. Stop what uses it, or set ${variable}=<free port>.`,
          );
        }
        throw error;
      });
      receiver = inbox;
      undo.push(() => inbox.close());
      webhookEndpointsFile = writeWebhookEndpointsFile(dir, inbox.endpoints);
    }

    if (options.build) {
      log('building the API and the worker');
      await runToCompletion('build', 'npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, output });
    }

    const settings: AppSettings = {
      temporalAddress: temporal.address,
      namespace,
      taskQueue: options.taskQueue ?? `lendbridge-${options.label}`,
      temporalUiUrl: temporal.uiUrl,
      rpcUrl: ledger.anvil.rpcUrl,
      chainId: DEV_CHAIN_ID,
      registryAddress,
      evidenceAddress,
      // Every API and worker must share the payload keys, the token secret and the action keys.
      ...keptAppKeys(dir, `${options.label}-1`, env),
      ...(options.extra && { extra: options.extra }),
    };
    const base = options.env ?? baseEnv();
    const evidenceReferenceKey = env.EVIDENCE_REFERENCE_KEY || keptSecret(dir, 'evidence-reference.key');
    // Only the workers sign (evidence anchoring), hold the evidence reference key and send webhooks.
    const workerVars = workerEnv(
      settings,
      {
        evidenceReferenceKey,
        ...(webhookEndpointsFile && { webhookEndpointsFile }),
      },
      base,
    );
    // Fail here, with every problem listed, rather than in each child process.
    const config = loadConfig(workerVars);
    const stack = new Stack(
      options,
      dir,
      ports,
      temporal,
      postgres,
      ledger.anvil,
      ledger.deployed,
      receiver,
      settings,
      workerVars,
      evidenceReferenceKey,
      config.codec,
      connection,
    );
    // From here the stack's own stop undoes everything, the processes it launched included.
    undo.splice(0, undo.length, () => stack.stop());
    stack.watchInfrastructure();
    if (options.workers + options.apis > 0) log(`starting ${options.workers} worker(s) and ${options.apis} API(s)`);
    for (let i = 0; i < options.workers; i++) stack.startWorker(i);
    for (let i = 0; i < options.apis; i++) stack.startApi(i);
    await Promise.race([
      Promise.all(stack.apiUrls.map((url, i) => waitForApi(url, stack.processes.get(`api-${i}`)!))),
      stack.failed,
    ]);
    return stack;
  }

  get apiUrls(): string[] {
    return this.ports.apis.slice(0, this.options.apis).map((port) => `http://127.0.0.1:${port}`);
  }

  get temporalAddress(): string {
    return this.temporal.address;
  }

  get temporalUiUrl(): string {
    return this.temporal.uiUrl;
  }

  /** The webhook receiver the workers deliver to (a stack started with webhookReceiver). */
  get webhooks(): WebhookInbox {
    if (!this.receiver) throw new Error('this stack was started without a webhook receiver');
    return this.receiver;
  }

  get anvil(): RunningAnvil {
    return this.anvilProcess;
  }

  /** The cluster topology's server processes and databases; undefined on the dev server. */
  get cluster(): RunningTemporalCluster | undefined {
    return 'shards' in this.temporal ? this.temporal : undefined;
  }

  /** A client with lendbridge's codec, for checking outcomes; reconnects by itself after a restart. */
  client(): Client {
    return new Client({
      connection: this.connection,
      namespace: this.settings.namespace,
      dataConverter: lendbridgeDataConverter(this.codec),
    });
  }

  get ledger(): { rpcUrl: string; chainId: number; registryAddress: string; evidenceAddress: string } {
    const { rpcUrl, chainId, registryAddress, evidenceAddress } = this.settings;
    return { rpcUrl, chainId, registryAddress, evidenceAddress };
  }

  /** The token secret of a stack that signs its own tokens (not one that was given AUTH_JWKS_URL). */
  get jwtSecret(): string {
    if (!('AUTH_JWT_SECRET' in this.settings.auth)) throw new Error('this stack verifies tokens with a JWKS');
    return this.settings.auth.AUTH_JWT_SECRET;
  }

  /** Every process of the stack, for CPU and memory sampling. */
  allProcesses(): ManagedProcess[] {
    const infrastructure = 'child' in this.temporal ? [this.temporal] : this.temporal.processes;
    return [
      ...(this.postgres ? [this.postgres.process] : []),
      ...infrastructure,
      this.anvilProcess,
      ...this.processes.values(),
    ];
  }

  /** Process ids by name, for CPU and memory sampling. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.allProcesses().map((proc) => [proc.name, proc.child.pid]));
  }

  startWorker(index: number): void {
    const env = replicaEnv(this.workerVars, index);
    this.launch(`worker-${index}`, 'worker', () => spawnWorker(`worker-${index}`, env, this.options.output));
  }

  startApi(index: number): void {
    const env = apiEnv(this.settings, this.ports.apis[index]!, this.options.env ?? baseEnv());
    this.launch(`api-${index}`, 'api', () => spawnApi(`api-${index}`, env, this.options.output));
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is simply gone, as when a machine dies. */
  async kill(role: Role, index: number): Promise<void> {
    const name = `${role}-${index}`;
    this.downOnPurpose.add(name);
    await this.processes.get(name)?.kill('SIGKILL');
  }

  /** Stops the Temporal dev server and starts it again on the same port and SQLite file. */
  async restartTemporal(downMs: number): Promise<void> {
    if (!('child' in this.temporal) || this.options.inMemory) {
      throw new Error('restarting Temporal is a scenario of the dev server on a file');
    }
    this.downOnPurpose.add(this.temporal.name);
    await this.temporal.stop();
    await sleep(downMs);
    this.temporal = await startTemporalDevServer({
      port: this.ports.temporal,
      uiPort: this.ports.ui,
      namespace: this.settings.namespace,
      dbFile: devServerDbFile(this.dir),
      output: this.options.output,
    });
    this.downOnPurpose.delete(this.temporal.name);
    this.watch(this.temporal);
  }

  /** Stops anvil (it writes its state file on the way out); `startAnvil` brings it back with it. */
  async stopAnvil(): Promise<void> {
    if (this.options.inMemory) throw new Error('stopping anvil is a scenario of a stack that keeps its state');
    this.downOnPurpose.add(this.anvilProcess.name);
    await this.anvilProcess.stop();
  }

  async startAnvil(): Promise<void> {
    // Not startKeptDevLedger: it would deploy again what the restarted chain lost, hiding the loss.
    this.anvilProcess = await startAnvil({
      port: this.ports.anvil,
      stateFile: keptAnvilStateFile(this.dir),
      output: this.options.output,
    });
    this.downOnPurpose.delete(this.anvilProcess.name);
    this.watch(this.anvilProcess);
    // The restarted chain must still hold the registries, or every check after this is meaningless.
    const provider = devProvider(this.anvilProcess.rpcUrl);
    try {
      const code = await provider.getCode(this.settings.evidenceAddress);
      if (code === '0x') throw new Error('anvil came back without the registries: its state was not kept');
    } finally {
      provider.destroy();
    }
  }

  /** Stops the apps (newest first), the receiver, anvil, Temporal, then its database; removes a temporary dir. */
  stop(): Promise<void> {
    this.stopping = true;
    this.stopped ??= (async () => {
      for (const proc of [...this.processes.values()].reverse()) await proc.stop();
      await this.receiver?.close();
      await this.connection.close().catch(() => undefined);
      await this.anvilProcess.stop();
      await this.temporal.stop();
      await this.postgres?.stop();
      if (this.options.dataDir === undefined) rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.stopped;
  }

  /** Temporal, its database and anvil are never restarted: one that dies on its own fails the stack. */
  private watchInfrastructure(): void {
    const apps = new Set(this.processes.values());
    for (const proc of this.allProcesses()) if (!apps.has(proc)) this.watch(proc);
  }

  private watch(proc: ManagedProcess): void {
    void proc.exited.then((code) => {
      if (this.stopping || this.downOnPurpose.has(proc.name)) return;
      this.failWith(new Error(`${proc.name} exited unexpectedly (${code}):\n${proc.recentOutput()}`));
    });
  }

  private launch(name: string, role: Role, spawn: () => ManagedProcess): void {
    this.downOnPurpose.delete(name);
    const proc = spawn();
    this.processes.set(name, proc);
    void proc.exited.then(async (code) => {
      if (this.stopping || this.downOnPurpose.has(name) || this.processes.get(name) !== proc) return;
      if (this.options.onAppExit === 'fail') {
        this.failWith(new Error(`${name} exited unexpectedly (${code}):\n${proc.recentOutput()}`));
        return;
      }
      this.restarts[name] = (this.restarts[name] ?? 0) + 1;
      this.options.log(`${name} exited on its own (${code}); restarting it as a supervisor would`);
      await sleep(1_000);
      if (this.stopping || this.downOnPurpose.has(name)) return;
      if (role === 'worker') this.startWorker(Number(name.split('-')[1]));
      else this.startApi(Number(name.split('-')[1]));
    });
  }
}

/**
 * Starts on `port`; when the caller did not fix it and it was taken between being found free and
 * being bound (the Temporal dev server picks ports of its own meanwhile), on another free one.
 */
async function onFreePort<T>(
  fixedPort: number | undefined,
  port: number,
  start: (port: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(port);
    } catch (error) {
      const taken = error instanceof Error && /address already in use/i.test(error.message);
      if (fixedPort !== undefined || !taken || attempt >= 3) throw error;
      port = await freePort();
    }
  }
}

/** anvil without a state file, with both registries deployed. */
async function startInMemoryLedger(port: number, output: 'prefixed' | 'silent'): Promise<KeptLedger> {
  const anvil = await startAnvil({ port, output });
  try {
    return { anvil, deployed: true, ...devLedgerAddresses(await deployDevLedger(anvil.rpcUrl, DEV_CHAIN_ID)) };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

function devServerDbFile(dir: string): string {
  return join(dir, 'temporal', 'dev.sqlite');
}

async function assertPortsFree(ports: [number, string][]): Promise<void> {
  for (const [port, variable] of ports) {
    if (port !== 0 && (await isListening(port))) {
      throw new Error(`port ${port} is taken (is another stack running?). Stop it, or set ${variable}=<free port>.`);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
