/**
 * `npm run stack:cluster`: lendbridge on the production topology, on one machine. PostgreSQL, the
 * Temporal server on it (4 history shards, SQL visibility) and its Web UI server, anvil with the
 * contracts, then two workers and two API instances, as a bank runs several of each. State is
 * kept under LENDBRIDGE_CLUSTER_DIR (default .data/cluster), so workflows survive a restart.
 * Ctrl-C stops everything.
 */
import { join, resolve } from 'node:path';
import { loadConfig } from '#config';
import { DEV_CHAIN_ID } from '#stack/anvil';
import { REPO_ROOT } from '#stack/contracts';
import { keptAppKeys, keptSecret, startKeptDevLedger } from '#stack/kept-state';
import {
  apiEnv,
  replicaEnv,
  spawnApi,
  spawnWorker,
  waitForApi,
  workerEnv,
  type AppSettings,
} from '#stack/lendbridge-apps';
import { startPostgres, type RunningPostgres } from '#stack/postgres';
import { isListening, runningProcesses, runToCompletion, type ManagedProcess } from '#stack/processes';
import { stopOnSignals } from '#stack/stop-signals';
import { startTemporalCluster, type RunningTemporalCluster } from '#stack/temporal-cluster';

const env = process.env;
const namespace = env.TEMPORAL_NAMESPACE || 'default';
const taskQueue = env.TEMPORAL_TASK_QUEUE || 'lendbridge';
const CLUSTER_DIR = resolve(env.LENDBRIDGE_CLUSTER_DIR ?? join(REPO_ROOT, '.data', 'cluster'));
const INSTANCES = 2;
// Other defaults than `npm run dev`'s, so both stacks can run side by side.
const ports = {
  api: Number(env.CLUSTER_API_PORT ?? 3100), // and the next ones, one per API instance
  temporal: Number(env.CLUSTER_TEMPORAL_PORT ?? 7333),
  temporalUi: Number(env.CLUSTER_TEMPORAL_UI_PORT ?? 8333),
  anvil: Number(env.CLUSTER_ANVIL_PORT ?? 8645),
};
const apiPorts = Array.from({ length: INSTANCES }, (_, index) => ports.api + index);
const step = (message: string): void => console.log(`[lendbridge] ${message}`);

async function assertPortsFree(): Promise<void> {
  const wanted: [number, string][] = [
    ...apiPorts.map((port): [number, string] => [port, 'CLUSTER_API_PORT']),
    [ports.temporal, 'CLUSTER_TEMPORAL_PORT'],
    [ports.temporalUi, 'CLUSTER_TEMPORAL_UI_PORT'],
    [ports.anvil, 'CLUSTER_ANVIL_PORT'],
  ];
  for (const [port, variable] of wanted) {
    if (await isListening(port)) {
      throw new Error(`port ${port} is taken (is another stack running?). Stop it, or set ${variable}=<free port>.`);
    }
  }
  // The server keeps its membership ports in a SMALLINT column: the frontend's too, to be safe.
  if (ports.temporal >= 32_768) throw new Error('CLUSTER_TEMPORAL_PORT must be below 32768');
}

// Stopped by stopAll in order: apps first, then Temporal, then its database.
let postgres: RunningPostgres | undefined;
let cluster: RunningTemporalCluster | undefined;

async function main(): Promise<void> {
  await assertPortsFree();

  step(`starting PostgreSQL (data in ${join(CLUSTER_DIR, 'postgres')})`);
  postgres = await startPostgres({ dir: join(CLUSTER_DIR, 'postgres'), output: 'prefixed' });

  step('starting the Temporal server on PostgreSQL and its Web UI (the first run builds them: minutes)');
  cluster = await startTemporalCluster({
    postgres,
    shards: Number(env.CLUSTER_HISTORY_SHARDS ?? 4),
    namespace,
    frontendPort: ports.temporal,
    uiPort: ports.temporalUi,
    // The UI decrypts payloads through an API's codec endpoint, for an ops session only.
    uiCodecEndpoint: `http://127.0.0.1:${apiPorts[0]}/codec`,
    dir: join(CLUSTER_DIR, 'temporal'),
    output: 'prefixed',
  });
  step(`namespace ${namespace}: retention 30 days, lendbridge's search attributes registered`);

  step('starting anvil');
  const ledger = await startKeptDevLedger(CLUSTER_DIR, ports.anvil);
  const { anvil, registryAddress, evidenceAddress } = ledger;
  step(`${ledger.deployed ? 'deployed' : 'reusing'} the contracts`);

  step('building the API and the worker');
  await runToCompletion('build', 'npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, output: 'prefixed' });

  const settings: AppSettings = {
    temporalAddress: cluster.address,
    namespace,
    taskQueue,
    temporalUiUrl: cluster.uiUrl,
    rpcUrl: anvil.rpcUrl,
    chainId: DEV_CHAIN_ID,
    registryAddress,
    evidenceAddress,
    // Every instance must share the payload keys and the token secret.
    ...keptAppKeys(CLUSTER_DIR, 'cluster-1', env),
  };
  // Only the workers sign (evidence anchoring) and hold the evidence reference key.
  const workerVars = workerEnv(settings, {
    evidenceReferenceKey: env.EVIDENCE_REFERENCE_KEY || keptSecret(CLUSTER_DIR, 'evidence-reference.key'),
  });
  loadConfig(workerVars); // fail here, with every problem listed, rather than in four child processes
  step(`starting ${INSTANCES} workers and ${INSTANCES} API instances`);
  // Each replica signs with its own key, authorised by the development lender.
  const workers = apiPorts.map((_, index) =>
    spawnWorker(`worker-${index + 1}`, replicaEnv(workerVars, index), 'prefixed'),
  );
  const apis = apiPorts.map((port, index) => ({
    url: `http://127.0.0.1:${port}`,
    proc: spawnApi(`api-${index + 1}`, apiEnv(settings, port), 'prefixed'),
  }));
  await Promise.all(apis.map((api) => waitForApi(api.url, api.proc)));
  const apiUrls = apis.map((api) => api.url);

  console.log(`
  lendbridge is up on the production topology
    API instances  ${apiUrls.map((url) => `${url}/v1`).join('   ')}   (OpenAPI: ${apiUrls[0]}/docs)
    workers        ${workers.length}, polling task queue ${taskQueue}
    Temporal UI    ${cluster.uiUrl}
    Temporal gRPC  ${cluster.address}   namespace ${namespace}, ${cluster.shards} history shards
    PostgreSQL     ${postgres.host}:${postgres.port}   databases ${cluster.databases.persistence}, ${cluster.databases.visibility}
    ledger (anvil) ${anvil.rpcUrl}  chain ${DEV_CHAIN_ID}
  tokens: LENDBRIDGE_DATA_DIR=${CLUSTER_DIR} npm run -s token -- --role loan-system --sub los-bank-a --tenant bank-a
  Ctrl-C stops everything; state is kept under ${CLUSTER_DIR}
`);

  // Any process dying on its own takes the stack down, loudly, rather than leaving half of it up.
  const stack: ManagedProcess[] = [
    postgres.process,
    ...cluster.processes,
    anvil,
    ...workers,
    ...apis.map((a) => a.proc),
  ];
  const exited = await Promise.race(stack.map((p) => p.exited.then((code) => ({ name: p.name, code }))));
  throw new Error(`${exited.name} exited unexpectedly (${exited.code})`);
}

/**
 * Stops the apps and anvil (newest first), then the Temporal server and UI, then PostgreSQL with
 * a fast shutdown; the database goes last so the server never loses it while still running.
 */
async function stopAll(exitCode: number): Promise<void> {
  step('stopping (Ctrl-C again to force)');
  const infrastructure = new Set([postgres?.process, ...(cluster?.processes ?? [])]);
  for (const proc of runningProcesses()) if (!infrastructure.has(proc)) await proc.stop();
  await cluster?.stop();
  await postgres?.stop();
  for (const proc of runningProcesses()) await proc.stop();
  process.exit(exitCode);
}

const stopping = stopOnSignals(() => void stopAll(0), step);
main().catch(async (error: unknown) => {
  if (stopping()) return; // processes exiting because we stop them is not a failure
  console.error(`[lendbridge] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
