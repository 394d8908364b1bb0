/**
 * `npm run dev`: the whole local stack in one terminal. Temporal dev server (SQLite under .data/,
 * Web UI), anvil (state under .data/), contracts deployed once, then the API and the worker.
 * Ctrl-C stops everything; state survives for the next start.
 */
import { join } from 'node:path';
import { DEV_CHAIN_ID } from '#stack/anvil';
import { REPO_ROOT } from '#stack/contracts';
import { runningProcesses } from '#stack/processes';
import { Stack } from '#stack/stack';
import { stopOnSignals } from '#stack/stop-signals';

const env = process.env;
const DATA_DIR = env.LENDBRIDGE_DATA_DIR ?? join(REPO_ROOT, '.data');
const step = (message: string): void => console.log(`[lendbridge] ${message}`);
let stack: Stack | undefined;

async function main(): Promise<void> {
  stack = await Stack.start({
    label: 'dev',
    topology: 'dev',
    dataDir: DATA_DIR,
    ports: {
      apis: [Number(env.API_PORT ?? 3000)],
      temporal: Number(env.TEMPORAL_PORT ?? 7233),
      temporalUi: Number(env.TEMPORAL_UI_PORT ?? 8233),
      anvil: Number(env.ANVIL_PORT ?? 8545),
      webhooks: Number(env.WEBHOOK_RECEIVER_PORT ?? 8288),
    },
    portVariables: {
      apis: 'API_PORT',
      temporal: 'TEMPORAL_PORT',
      temporalUi: 'TEMPORAL_UI_PORT',
      anvil: 'ANVIL_PORT',
      webhooks: 'WEBHOOK_RECEIVER_PORT',
    },
    workers: 1,
    apis: 1,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'lendbridge',
    build: true,
    // A local loan system receives each dev tenant's events, unless the developer names endpoints of their own.
    webhookReceiver: !env.WEBHOOK_ENDPOINTS_FILE,
    // The developer's CODEC_KEYS, WEBHOOK_ENDPOINTS_FILE, LOG_LEVEL and the like reach the API and the worker.
    env,
    onAppExit: 'fail',
    output: 'prefixed',
    log: step,
  });
  const apiUrl = stack.apiUrls[0]!;
  console.log(`
  lendbridge is up
    API            ${apiUrl}/v1   (OpenAPI: ${apiUrl}/docs)
    health         ${apiUrl}/health
    Temporal UI    ${stack.temporalUiUrl}
    Temporal gRPC  ${stack.temporalAddress}
    ledger (anvil) ${stack.ledger.rpcUrl}  chain ${DEV_CHAIN_ID}
    webhooks       ${stack.receiver ? `${stack.receiver.url}   (each tenant's events, signatures checked; secrets in ${join(DATA_DIR, 'webhooks')})` : `to the endpoints in ${env.WEBHOOK_ENDPOINTS_FILE}`}
  tokens: npm run -s token -- --role loan-system --sub los-bank-a --tenant bank-a
          npm run -s token -- --role reviewer --sub alice --tenant bank-a --jurisdiction HK
  decrypt in the Temporal UI: sign in as ops at ${apiUrl}/codec/sign-in
  Ctrl-C stops everything; state is kept under ${DATA_DIR}
`);
  // Any process dying on its own takes the stack down, loudly, rather than leaving half of it up.
  await stack.failed;
}

/** Stops the stack, and any process a failed start left behind. */
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
