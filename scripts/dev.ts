/**
 * `npm run dev`: the whole local stack in one terminal. Temporal dev server (SQLite under .data/,
 * Web UI), anvil (state under .data/), contracts deployed once, then the API and the worker.
 * Ctrl-C stops everything; state survives for the next start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '#config';
import { DEV_CHAIN_ID } from '#stack/anvil';
import { REPO_ROOT } from '#stack/contracts';
import { keptAppKeys, keptSecret, startKeptDevLedger } from '#stack/kept-state';
import { apiEnv, spawnApi, spawnWorker, waitForApi, workerEnv, type AppSettings } from '#stack/lendbridge-apps';
import { isListening, runningProcesses, runToCompletion, type ManagedProcess } from '#stack/processes';
import { stopOnSignals } from '#stack/stop-signals';
import { startTemporalDevServer } from '#stack/temporal';
import { ensureRetention, registerSearchAttributes } from '#temporal';

const env = process.env;
const namespace = env.TEMPORAL_NAMESPACE || 'default';
const DATA_DIR = env.LENDBRIDGE_DATA_DIR ?? join(REPO_ROOT, '.data');
const ports = {
  api: Number(env.API_PORT ?? 3000),
  temporal: Number(env.TEMPORAL_PORT ?? 7233),
  temporalUi: Number(env.TEMPORAL_UI_PORT ?? 8233),
  anvil: Number(env.ANVIL_PORT ?? 8545),
};
const step = (message: string): void => console.log(`[lendbridge] ${message}`);

async function assertPortsFree(): Promise<void> {
  const names: Record<keyof typeof ports, string> = {
    api: 'API_PORT',
    temporal: 'TEMPORAL_PORT',
    temporalUi: 'TEMPORAL_UI_PORT',
    anvil: 'ANVIL_PORT',
  };
  for (const [key, port] of Object.entries(ports) as [keyof typeof ports, number][]) {
    if (await isListening(port)) {
      throw new Error(`port ${port} is taken (is another stack running?). Stop it, or set ${names[key]}=<free port>.`);
    }
  }
}

async function main(): Promise<void> {
  await assertPortsFree();
  mkdirSync(join(DATA_DIR, 'temporal'), { recursive: true });

  step('starting the Temporal dev server (the first run builds the Temporal CLI: minutes)');
  const temporal = await startTemporalDevServer({
    port: ports.temporal,
    uiPort: ports.temporalUi,
    dbFile: join(DATA_DIR, 'temporal', 'dev.sqlite'),
    namespace,
    // The UI decrypts payloads through the API's codec endpoint, for an ops session only.
    uiCodecEndpoint: `http://127.0.0.1:${ports.api}/codec`,
    output: 'prefixed',
  });
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const added = await registerSearchAttributes(connection, namespace);
    if (added.length > 0) step(`registered search attributes: ${added.join(', ')}`);
    if (await ensureRetention(connection, namespace)) step(`set retention of namespace ${namespace} to 30 days`);
  } finally {
    await connection.close();
  }

  step('starting anvil');
  const ledger = await startKeptDevLedger(DATA_DIR, ports.anvil);
  const { anvil, registryAddress, evidenceAddress } = ledger;
  step(
    `${ledger.deployed ? 'deployed' : 'reusing'} CreditReportRegistry at ${registryAddress}, EvidenceRegistry at ${evidenceAddress}`,
  );

  step('building the API and the worker');
  await runToCompletion('build', 'npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, output: 'prefixed' });

  const settings: AppSettings = {
    temporalAddress: temporal.address,
    namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'lendbridge',
    temporalUiUrl: temporal.uiUrl,
    rpcUrl: anvil.rpcUrl,
    chainId: DEV_CHAIN_ID,
    registryAddress,
    evidenceAddress,
    ...keptAppKeys(DATA_DIR, 'dev-1', env),
  };
  // Only the worker signs (evidence anchoring) and holds the evidence reference key: the API gets neither.
  const workerVars = workerEnv(
    settings,
    { evidenceReferenceKey: env.EVIDENCE_REFERENCE_KEY || keptSecret(DATA_DIR, 'evidence-reference.key') },
    env,
  );
  loadConfig(workerVars); // fail here, with every problem listed, rather than in two child processes
  const worker = spawnWorker('worker', workerVars, 'prefixed');
  const api = spawnApi('api', apiEnv(settings, ports.api, env), 'prefixed');
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  await waitForApi(apiUrl, api);

  console.log(`
  lendbridge is up
    API            ${apiUrl}/v1   (OpenAPI: ${apiUrl}/docs)
    health         ${apiUrl}/health
    Temporal UI    ${temporal.uiUrl}
    Temporal gRPC  ${temporal.address}
    ledger (anvil) ${anvil.rpcUrl}  chain ${DEV_CHAIN_ID}
  tokens: npm run -s token -- --role loan-system --sub los-bank-a --tenant bank-a
          npm run -s token -- --role reviewer --sub alice --tenant bank-a --jurisdiction HK
  decrypt in the Temporal UI: sign in as ops at ${apiUrl}/codec/sign-in
  Ctrl-C stops everything; state is kept under ${DATA_DIR}
`);

  // Any process dying on its own takes the stack down, loudly, rather than leaving half of it up.
  const stack: ManagedProcess[] = [temporal, anvil, worker, api];
  const exited = await Promise.race(stack.map((p) => p.exited.then((code) => ({ name: p.name, code }))));
  throw new Error(`${exited.name} exited unexpectedly (${exited.code})`);
}

/** Stops every process started so far, newest first. */
async function stopAll(exitCode: number): Promise<void> {
  step('stopping (Ctrl-C again to force)');
  for (const proc of runningProcesses()) await proc.stop();
  process.exit(exitCode);
}

const stopping = stopOnSignals(() => void stopAll(0), step);
main().catch(async (error: unknown) => {
  if (stopping()) return; // processes exiting because we stop them is not a failure
  console.error(`[lendbridge] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
