import { readFileSync } from 'node:fs';
import { z } from 'zod';
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
  api: {
    host: string;
    port: number;
    corsOrigins: string[];
    bodyLimitBytes: number;
    reportMaxBytes: number;
    rateLimitPerMinute: number;
    trustProxy: number;
    temporalTimeoutMs: number;
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  /** Bearer tokens: an HS256 secret (development) and/or a JWKS URL (production). */
  auth: { jwtSecret?: string; jwksUrl?: string; issuer: string; audience: string };
  /** AES-256-GCM payload keys by id; `activeKeyId` encrypts, every listed key decrypts. */
  codec: CodecKeys;
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

export interface CodecKeys {
  activeKeyId: string;
  /** Key id → 32-byte key as 64 hex characters. */
  keys: Record<string, string>;
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
  const uiUrl = c.TEMPORAL_UI_URL.replace(/\/+$/, '');
  return {
    api: {
      host: c.API_HOST,
      port: c.API_PORT,
      corsOrigins: [
        ...new Set([new URL(uiUrl).origin, ...(c.API_CORS_ORIGINS ?? '').split(',').map((o) => o.trim())]),
      ].filter((origin) => origin !== ''),
      bodyLimitBytes: c.API_BODY_LIMIT_BYTES,
      reportMaxBytes: c.API_REPORT_MAX_BYTES,
      rateLimitPerMinute: c.API_RATE_LIMIT_PER_MINUTE,
      trustProxy: c.API_TRUST_PROXY,
      temporalTimeoutMs: c.API_TEMPORAL_TIMEOUT_MS,
    },
    log: { level: c.LOG_LEVEL },
    auth: { jwtSecret: c.AUTH_JWT_SECRET, jwksUrl: c.AUTH_JWKS_URL, issuer: c.AUTH_ISSUER, audience: c.AUTH_AUDIENCE },
    codec: loadCodecKeys(c.CODEC_KEYS, c.CODEC_KEYS_FILE),
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      uiUrl,
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

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;
const KEY_HEX = /^[0-9a-f]{64}$/;
const codecFileSchema = z.object({
  activeKeyId: z.string().regex(KEY_ID),
  keys: z.record(z.string().regex(KEY_ID), z.string().regex(KEY_HEX, 'expected 64 lowercase hex characters')),
});

/** Payload keys from CODEC_KEYS or CODEC_KEYS_FILE: exactly one, since nothing may run unencrypted. */
function loadCodecKeys(inline: string | undefined, file: string | undefined): CodecKeys {
  if (inline && file) throw new ConfigurationError(['CODEC_KEYS and CODEC_KEYS_FILE are both set: choose one']);
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      // Not the parser's message: it quotes the start of the file, which is key material.
      const reason = error instanceof SyntaxError ? 'not a JSON document' : (error as NodeJS.ErrnoException).code;
      throw new ConfigurationError([`CODEC_KEYS_FILE: cannot read ${file}: ${reason ?? 'unreadable'}`]);
    }
    const parsed = codecFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigurationError(
        parsed.error.issues.map((issue) => `CODEC_KEYS_FILE: ${issue.path.join('.')}: ${issue.message}`),
      );
    }
    if (!(parsed.data.activeKeyId in parsed.data.keys)) {
      throw new ConfigurationError([`CODEC_KEYS_FILE: activeKeyId ${parsed.data.activeKeyId} is not among the keys`]);
    }
    return parsed.data;
  }
  if (!inline) {
    throw new ConfigurationError(['CODEC_KEYS: required (or CODEC_KEYS_FILE): payloads are always encrypted']);
  }
  const keys: Record<string, string> = {};
  const pairs = inline.split(',').map((pair) => pair.trim());
  for (const pair of pairs) {
    const [id, key, ...rest] = pair.split(':');
    if (!id || !KEY_ID.test(id) || !key || !KEY_HEX.test(key) || rest.length > 0) {
      throw new ConfigurationError(['CODEC_KEYS: expected <key id>:<64 lowercase hex>[,<key id>:<64 hex>...]']);
    }
    if (id in keys) throw new ConfigurationError([`CODEC_KEYS: key id ${id} appears twice`]);
    keys[id] = key;
  }
  return { activeKeyId: pairs[0]!.split(':')[0]!, keys };
}
