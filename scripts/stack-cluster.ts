/**
 * `npm run stack:cluster`: lendbridge on the production topology, on one machine. PostgreSQL, the
 * Temporal server on it (4 history shards, SQL visibility) and its Web UI server, anvil with the
 * contracts, then two workers and two API instances, as a bank runs several of each. State is
 * kept under LENDBRIDGE_CLUSTER_DIR (default .data/cluster), so workflows survive a restart.
 * Ctrl-C stops everything.
 */
import { join, resolve } from 'node:path';
import { DEV_CHAIN_ID } from '#stack/anvil';
import { REPO_ROOT } from '#stack/contracts';
import { runningProcesses } from '#stack/processes';
import { Stack } from '#stack/stack';
import { stopOnSignals } from '#stack/stop-signals';

const env = process.env;
const CLUSTER_DIR = resolve(env.LENDBRIDGE_CLUSTER_DIR ?? join(REPO_ROOT, '.data', 'cluster'));
const INSTANCES = 2;
// Other defaults than `npm run dev`'s, so both stacks can run side by side.
const apiPort = Number(env.CLUSTER_API_PORT ?? 3100); // and the next ones, one per API instance
const step = (message: string): void => console.log(`[lendbridge] ${message}`);
let stack: Stack | undefined;

async function main(): Promise<void> {
  stack = await Stack.start({
    label: 'cluster',
    topology: 'cluster',
    dataDir: CLUSTER_DIR,
    ports: {
      apis: Array.from({ length: INSTANCES }, (_, index) => apiPort + index),
      temporal: Number(env.CLUSTER_TEMPORAL_PORT ?? 7333),
      temporalUi: Number(env.CLUSTER_TEMPORAL_UI_PORT ?? 8333),
      anvil: Number(env.CLUSTER_ANVIL_PORT ?? 8645),
    },
    // Each worker replica signs with its own key, authorised by the development lender.
    portVariables: {
      apis: 'CLUSTER_API_PORT',
      temporal: 'CLUSTER_TEMPORAL_PORT',
      temporalUi: 'CLUSTER_TEMPORAL_UI_PORT',
      anvil: 'CLUSTER_ANVIL_PORT',
    },
    workers: INSTANCES,
    apis: INSTANCES,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'lendbridge',
    shards: Number(env.CLUSTER_HISTORY_SHARDS ?? 4),
    build: true,
    env,
    onAppExit: 'fail',
    output: 'prefixed',
    log: step,
  });
  const { apiUrls, settings, postgres, cluster } = stack;
  console.log(`
  lendbridge is up on the production topology
    API instances  ${apiUrls.map((url) => `${url}/v1`).join('   ')}   (OpenAPI: ${apiUrls[0]}/docs)
    workers        ${INSTANCES}, polling task queue ${settings.taskQueue}
    Temporal UI    ${stack.temporalUiUrl}
    Temporal gRPC  ${stack.temporalAddress}   namespace ${settings.namespace}, ${cluster?.shards} history shards
    PostgreSQL     ${postgres?.host}:${postgres?.port}   databases ${cluster?.databases.persistence}, ${cluster?.databases.visibility}
    ledger (anvil) ${settings.rpcUrl}  chain ${DEV_CHAIN_ID}
  tokens: LENDBRIDGE_DATA_DIR=${CLUSTER_DIR} npm run -s token -- --role loan-system --sub los-bank-a --tenant bank-a
  Ctrl-C stops everything; state is kept under ${CLUSTER_DIR}
`);
  // Any process dying on its own takes the stack down, loudly, rather than leaving half of it up.
  await stack.failed;
}

/** Stops the stack (the database last), and any process a failed start left behind. */
async function stopAll(exitCode: number): Promise<void> {
  step('stopping (Ctrl-C again to force)');
  await stack?.stop();
  for (const proc of runningProcesses()) await proc.stop();
  process.exit(exitCode);
}

const stopping = stopOnSignals(() => void stopAll(0), step);
main().catch(async (error: unknown) => {
  if (stopping()) return; // processes exiting because we stop them is not a failure
  console.error(`[lendbridge] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
