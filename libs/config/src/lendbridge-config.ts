import { type z } from 'zod';
import { configSchema, ledgerSchema } from './config.schema.js';

/** Where the signer's key comes from: a raw key in the environment or an encrypted keystore file. */
export type SignerSource =
  { kind: 'key'; privateKey: string } | { kind: 'keystore'; file: string; password: string } | { kind: 'none' };

export interface LedgerConfig {
  rpcUrl: string;
  chainId: number;
  registryAddress: string;
  evidenceAddress: string;
  /** Blocks an anchor must be buried under before it counts: 0 for instant-finality chains. */
  confirmations: number;
  timeoutMs: number;
  txTimeoutMs: number;
  /** 'legacy' sends type-0 transactions with eth_gasPrice (FISCO BCOS reports no base fee). */
  gasPricing: 'auto' | 'legacy';
  signer: SignerSource;
}

/** Validated, typed configuration: the only way code reads settings. */
export interface LendbridgeConfig {
  api: { host: string; port: number };
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string };
  ledger: LedgerConfig;
  health: { timeoutMs: number };
  worker: {
    workflowBundle?: string;
    maxConcurrentActivities: number;
    maxConcurrentWorkflowTasks: number;
    maxCachedWorkflows: number;
  };
  webhook: { url?: string; secret?: string };
  evidence: { referenceKey?: string };
}

/** Thrown when the environment does not describe a runnable configuration; lists every problem. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigurationError';
  }
}

/** Reads and validates settings once, at start-up, so a bad environment fails before serving. */
export function loadConfig(env: Record<string, string | undefined>): LendbridgeConfig {
  const c = parse(configSchema, env);
  if (c.WEBHOOK_URL && !c.WEBHOOK_SECRET) {
    throw new ConfigurationError(['WEBHOOK_SECRET: required with WEBHOOK_URL (webhooks are always signed)']);
  }
  return {
    api: { host: c.API_HOST, port: c.API_PORT },
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      uiUrl: c.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    },
    ledger: toLedgerConfig(c),
    health: { timeoutMs: c.HEALTH_TIMEOUT_MS },
    worker: {
      workflowBundle: c.WORKER_WORKFLOW_BUNDLE,
      maxConcurrentActivities: c.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: c.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS,
    },
    webhook: { url: c.WEBHOOK_URL, secret: c.WEBHOOK_SECRET },
    evidence: { referenceKey: c.EVIDENCE_REFERENCE_KEY },
  };
}

/** The ledger settings alone, for tools that talk only to the ledger. */
export function loadLedgerConfig(env: Record<string, string | undefined>): LedgerConfig {
  return toLedgerConfig(parse(ledgerSchema, env));
}

function parse<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  // Empty strings count as unset: `FOO= npm run dev` should mean "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

function toLedgerConfig(c: z.output<typeof ledgerSchema>): LedgerConfig {
  if (c.LEDGER_SIGNER_KEY && c.LEDGER_KEYSTORE_FILE) {
    throw new ConfigurationError(['LEDGER_SIGNER_KEY and LEDGER_KEYSTORE_FILE are both set: choose one']);
  }
  if (c.LEDGER_KEYSTORE_FILE && c.LEDGER_KEYSTORE_PASSWORD === undefined) {
    throw new ConfigurationError(['LEDGER_KEYSTORE_PASSWORD: required with LEDGER_KEYSTORE_FILE']);
  }
  const signer: SignerSource = c.LEDGER_SIGNER_KEY
    ? { kind: 'key', privateKey: c.LEDGER_SIGNER_KEY }
    : c.LEDGER_KEYSTORE_FILE
      ? { kind: 'keystore', file: c.LEDGER_KEYSTORE_FILE, password: c.LEDGER_KEYSTORE_PASSWORD ?? '' }
      : { kind: 'none' };
  return {
    rpcUrl: c.LEDGER_RPC_URL,
    chainId: c.LEDGER_CHAIN_ID,
    registryAddress: c.LEDGER_REGISTRY_ADDRESS,
    evidenceAddress: c.LEDGER_EVIDENCE_ADDRESS,
    confirmations: c.LEDGER_CONFIRMATIONS,
    timeoutMs: c.LEDGER_TIMEOUT_MS,
    txTimeoutMs: c.LEDGER_TX_TIMEOUT_MS,
    gasPricing: c.LEDGER_GAS_PRICING,
    signer,
  };
}
