/**
 * lendbridge's own processes, the built API and worker, as the local stack, the benchmarks and the
 * fault-injection runs start them: one place that knows their entry points, which settings each
 * gets, and how to tell that one is ready.
 */
import { join } from 'node:path';
import type { Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS whose exports Node's ESM loader cannot list: import its default.
import proto from '@temporalio/proto';
import { Wallet } from 'ethers';
import { environmentFor } from '#config';
import { REPO_ROOT } from './contracts.js';
import { DEV_KEYS, devWorkerKey } from './dev-ledger.js';
import { spawnManaged, waitUntil, type ManagedProcess } from './processes.js';

export const API_ENTRY = 'dist/apps/api/apps/api/src/main.js';
export const WORKER_ENTRY = 'dist/apps/worker/apps/worker/src/main.js';
export const WORKFLOW_BUNDLE = join(REPO_ROOT, 'dist', 'workflow-bundle.js');

/** What the API and the worker share: where Temporal and the ledger are, and the keys. */
export interface AppSettings {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  temporalUiUrl: string;
  rpcUrl: string;
  chainId: number;
  registryAddress: string;
  evidenceAddress: string;
  /** `CODEC_KEYS` or `CODEC_KEYS_FILE`, exactly one. */
  codec: { CODEC_KEYS: string } | { CODEC_KEYS_FILE: string };
  /** `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`, exactly one. */
  auth: { AUTH_JWT_SECRET: string } | { AUTH_JWKS_URL: string };
  /** The API signs actions with the first, workers check them with the second (see kept-state.ts). */
  actions: { ACTION_SIGNING_KEY: string; ACTION_VERIFY_KEYS: string };
  /** Anything else, e.g. LOG_LEVEL or API_RATE_LIMIT_PER_MINUTE; set last, so it wins. */
  extra?: NodeJS.ProcessEnv;
}

/** What only the worker holds: the ledger signer, the evidence reference key, the webhook endpoints. */
export interface WorkerSettings {
  /**
   * Which replica this worker is (0, 1, ...): each signs with its own development key, bound to the
   * development lender (see devWorkerKey), so replicas never race for one key's nonces and a retry on
   * another replica records into the same lender's evidence. Default 0. The worker is told to expect
   * that lender (LEDGER_EVIDENCE_MEMBER): a key serving another one records nothing.
   */
  replica?: number;
  /** A signing key of the caller's instead of the replica's development key; no lender is then expected. */
  signerKey?: string;
  evidenceReferenceKey: string;
  /** Each tenant's webhook endpoint (WEBHOOK_ENDPOINTS_FILE); absent, the caller's, if any. */
  webhookEndpointsFile?: string;
}

/** Only what a Node process needs from the caller's environment; every setting is explicit. */
export function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'NODE_OPTIONS'];
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => keep.includes(key) || key.startsWith('WORKER_MAX_')),
  );
}

/** Where Temporal and the ledger are, and the keys every API and worker share. */
function sharedEnv(settings: AppSettings): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: settings.namespace,
    TEMPORAL_TASK_QUEUE: settings.taskQueue,
    TEMPORAL_UI_URL: settings.temporalUiUrl,
    LEDGER_RPC_URL: settings.rpcUrl,
    LEDGER_CHAIN_ID: String(settings.chainId),
    LEDGER_REGISTRY_ADDRESS: settings.registryAddress,
    LEDGER_EVIDENCE_ADDRESS: settings.evidenceAddress,
    ...settings.codec,
    ...settings.auth,
  };
}

/**
 * An API's settings. Of `base` (the environment it starts from) it keeps only what an API reads:
 * a worker's secret set in the caller's shell never reaches it.
 */
export function apiEnv(settings: AppSettings, port: number, base: NodeJS.ProcessEnv = baseEnv()): NodeJS.ProcessEnv {
  return {
    ...environmentFor('API', base),
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    ...sharedEnv(settings),
    ACTION_SIGNING_KEY: settings.actions.ACTION_SIGNING_KEY,
    ...settings.extra,
  };
}

/** The worker's settings: the shared ones, plus what only the worker may hold. */
export function workerEnv(
  settings: AppSettings,
  worker: WorkerSettings,
  base: NodeJS.ProcessEnv = baseEnv(),
): NodeJS.ProcessEnv {
  return {
    // The signing key stays with the API: a worker checks actions, it never makes one.
    ...environmentFor('worker', base),
    ...sharedEnv(settings),
    ACTION_VERIFY_KEYS: settings.actions.ACTION_VERIFY_KEYS,
    LEDGER_SIGNER_KEY: worker.signerKey ?? devWorkerKey(worker.replica ?? 0),
    ...(worker.signerKey ? {} : { LEDGER_EVIDENCE_MEMBER: new Wallet(DEV_KEYS.recorder).address }),
    WORKER_WORKFLOW_BUNDLE: WORKFLOW_BUNDLE,
    EVIDENCE_REFERENCE_KEY: worker.evidenceReferenceKey,
    ...(worker.webhookEndpointsFile ? { WEBHOOK_ENDPOINTS_FILE: worker.webhookEndpointsFile } : {}),
    ...settings.extra,
  };
}

/** The same worker settings for replica `index`: its own development signing key. */
export function replicaEnv(workerVars: NodeJS.ProcessEnv, index: number): NodeJS.ProcessEnv {
  return { ...workerVars, LEDGER_SIGNER_KEY: devWorkerKey(index) };
}

export function spawnApi(name: string, env: NodeJS.ProcessEnv, output: 'prefixed' | 'silent'): ManagedProcess {
  return spawnManaged(name, process.execPath, [API_ENTRY], { cwd: REPO_ROOT, env, output });
}

export function spawnWorker(name: string, env: NodeJS.ProcessEnv, output: 'prefixed' | 'silent'): ManagedProcess {
  return spawnManaged(name, process.execPath, [WORKER_ENTRY], { cwd: REPO_ROOT, env, output });
}

/** Waits for GET /health to answer 200: Temporal is reachable from the API. */
export async function waitForApi(url: string, proc: ManagedProcess, timeoutMs = 60_000): Promise<void> {
  await waitUntil(`${proc.name} to report ready on /health`, async () => (await fetch(`${url}/health`)).ok, {
    timeoutMs,
    proc,
  });
}

/** True when some worker polls the task queue for workflow tasks. */
export async function pollerPresent(connection: Connection, namespace: string, taskQueue: string): Promise<boolean> {
  const response = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (response.pollers?.length ?? 0) > 0;
}
