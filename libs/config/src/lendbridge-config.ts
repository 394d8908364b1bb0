import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseActionKeys, type ActionSigningKey } from '#domain/action-assertion';
import {
  DEFAULT_DOCUMENT_CONFIGURATION,
  documentConfigurationFrom,
  type DocumentConfiguration,
} from '#domain/document-policy';
import { HEX32_PATTERN, isHex32 } from '#domain/hex';
import {
  configSchema,
  ledgerSchema,
  webhookEndpointsSchema,
  type ConfigValues,
  type LedgerValues,
  type WebhookEndpoints,
} from './config.schema.js';

/**
 * The parsed type of one environment variable, as its schema says (default applied, number coerced,
 * enum narrowed): the fields below copied straight from a variable take their type from it.
 */
type Setting<Variable extends keyof ConfigValues> = ConfigValues[Variable];

/** Where the signer's key comes from: a raw key in the environment or an encrypted keystore file. */
export type SignerSource =
  { kind: 'key'; privateKey: string } | { kind: 'keystore'; file: string; password: string } | { kind: 'none' };

export interface LedgerConfig {
  rpcUrl: Setting<'LEDGER_RPC_URL'>;
  chainId: Setting<'LEDGER_CHAIN_ID'>;
  registryAddress: Setting<'LEDGER_REGISTRY_ADDRESS'>;
  evidenceAddress: Setting<'LEDGER_EVIDENCE_ADDRESS'>;
  /** Blocks an anchor must be buried under before it counts: 0 for instant-finality chains. */
  confirmations: Setting<'LEDGER_CONFIRMATIONS'>;
  timeoutMs: Setting<'LEDGER_TIMEOUT_MS'>;
  txTimeoutMs: Setting<'LEDGER_TX_TIMEOUT_MS'>;
  /** 'legacy' sends type-0 transactions with eth_gasPrice (FISCO BCOS reports no base fee). */
  gasPricing: Setting<'LEDGER_GAS_PRICING'>;
  signer: SignerSource;
  /**
   * The recorder member the signer must record evidence for (LEDGER_EVIDENCE_MEMBER); unset: the
   * member the signer serves on chain, whichever it is.
   */
  evidenceMember?: Setting<'LEDGER_EVIDENCE_MEMBER'>;
}

/** TLS to the Temporal frontend. The PEM files are read once, at start-up. */
export interface TemporalTlsConfig {
  /** The name the server's certificate is checked against (and sent as SNI) instead of the address's host. */
  serverName?: Setting<'TEMPORAL_TLS_SERVER_NAME'>;
  /** PEM CA certificate(s) the server's certificate must chain to; unset: the system's trusted roots. */
  caCertificate?: Buffer;
  /** PEM client certificate (chain) and its private key: mTLS. */
  clientCertificate?: { certificate: Buffer; key: Buffer };
}

export interface TemporalConfig {
  /** The frontend, `host:port`. */
  address: Setting<'TEMPORAL_ADDRESS'>;
  namespace: Setting<'TEMPORAL_NAMESPACE'>;
  taskQueue: Setting<'TEMPORAL_TASK_QUEUE'>;
  /** TEMPORAL_UI_URL without a trailing slash. */
  uiUrl: string;
  /** Unset: plaintext gRPC, as the local stack's dev server speaks. */
  tls?: TemporalTlsConfig;
  /** A Temporal Cloud API key, sent as a bearer token; always with TLS, never with a client certificate. */
  apiKey?: Setting<'TEMPORAL_API_KEY'>;
}

/** Validated, typed configuration: the only way code reads settings. */
export interface LendbridgeConfig {
  api: {
    host: Setting<'API_HOST'>;
    port: Setting<'API_PORT'>;
    /** API_CORS_ORIGINS split, with the Temporal UI's origin first. */
    corsOrigins: string[];
    bodyLimitBytes: Setting<'API_BODY_LIMIT_BYTES'>;
    reportMaxBytes: Setting<'API_REPORT_MAX_BYTES'>;
    rateLimitPerMinute: Setting<'API_RATE_LIMIT_PER_MINUTE'>;
    trustProxy: Setting<'API_TRUST_PROXY'>;
    temporalTimeoutMs: Setting<'API_TEMPORAL_TIMEOUT_MS'>;
    supervisionMinCellCount: Setting<'SUPERVISION_MIN_CELL_COUNT'>;
  };
  log: { level: Setting<'LOG_LEVEL'> };
  /** Bearer tokens: an HS256 secret (development) and/or a JWKS URL (production). */
  auth: {
    jwtSecret?: Setting<'AUTH_JWT_SECRET'>;
    jwksUrl?: Setting<'AUTH_JWKS_URL'>;
    issuer: Setting<'AUTH_ISSUER'>;
    audience: Setting<'AUTH_AUDIENCE'>;
  };
  /** AES-256-GCM payload keys by id; `activeKeyId` encrypts, every listed key decrypts. */
  codec: CodecKeys;
  temporal: TemporalConfig;
  ledger: LedgerConfig;
  health: { timeoutMs: Setting<'HEALTH_TIMEOUT_MS'> };
  worker: {
    workflowBundle?: Setting<'WORKER_WORKFLOW_BUNDLE'>;
    maxConcurrentActivities: Setting<'WORKER_MAX_CONCURRENT_ACTIVITIES'>;
    maxConcurrentWorkflowTasks: Setting<'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'>;
    maxCachedWorkflows: Setting<'WORKER_MAX_CACHED_WORKFLOWS'>;
    reconcileEveryMs: Setting<'RECONCILE_EVERY_MS'>;
  };
  /**
   * Each tenant's endpoint (WEBHOOK_ENDPOINTS_FILE, read at start-up); undefined: this deployment
   * sends no webhooks.
   */
  webhook: { endpoints?: WebhookEndpoints };
  /** The document kinds and requirements (DOCUMENT_POLICY_FILE, read at start-up; the defaults without it). */
  documents: DocumentConfiguration;
  evidence: { referenceKey?: Setting<'EVIDENCE_REFERENCE_KEY'> };
  /** Action assertions: the API signs with `signingKey`, workers accept `verifyKeys` (the text form). */
  actions: { signingKey?: ActionSigningKey; verifyKeys?: Setting<'ACTION_VERIFY_KEYS'> };
  /** REVIEW_JURISDICTIONS split, each code once. */
  review: { jurisdictions: string[] };
  workflow: { eventsPerRun: Setting<'WORKFLOW_EVENTS_PER_RUN'> };
  metrics: { workerAddress?: Setting<'WORKER_METRICS_ADDRESS'> };
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
      supervisionMinCellCount: c.SUPERVISION_MIN_CELL_COUNT,
    },
    log: { level: c.LOG_LEVEL },
    auth: { jwtSecret: c.AUTH_JWT_SECRET, jwksUrl: c.AUTH_JWKS_URL, issuer: c.AUTH_ISSUER, audience: c.AUTH_AUDIENCE },
    codec: loadCodecKeys(c.CODEC_KEYS, c.CODEC_KEYS_FILE),
    temporal: toTemporalConfig(c, uiUrl),
    ledger: toLedgerConfig(c),
    health: { timeoutMs: c.HEALTH_TIMEOUT_MS },
    worker: {
      workflowBundle: c.WORKER_WORKFLOW_BUNDLE,
      maxConcurrentActivities: c.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: c.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS,
      reconcileEveryMs: c.RECONCILE_EVERY_MS,
    },
    webhook: c.WEBHOOK_ENDPOINTS_FILE ? { endpoints: loadWebhookEndpoints(c.WEBHOOK_ENDPOINTS_FILE) } : {},
    documents: c.DOCUMENT_POLICY_FILE
      ? loadDocumentConfiguration(c.DOCUMENT_POLICY_FILE)
      : DEFAULT_DOCUMENT_CONFIGURATION,
    evidence: { referenceKey: c.EVIDENCE_REFERENCE_KEY },
    actions: loadActionKeys(c.ACTION_SIGNING_KEY, c.ACTION_VERIFY_KEYS),
    review: { jurisdictions: [...new Set(c.REVIEW_JURISDICTIONS.split(','))] },
    workflow: { eventsPerRun: c.WORKFLOW_EVENTS_PER_RUN },
    metrics: { workerAddress: c.WORKER_METRICS_ADDRESS },
  };
}

function loadActionKeys(signing: string | undefined, verify: string | undefined): LendbridgeConfig['actions'] {
  const actions: LendbridgeConfig['actions'] = {};
  if (signing) {
    const [keyId, secretKey] = Object.entries(parseActionKeys(signing) ?? {})[0] ?? [];
    if (!keyId || !secretKey)
      throw new ConfigurationError(['ACTION_SIGNING_KEY: expected <key id>:<base64url 32 bytes>']);
    actions.signingKey = { keyId, secretKey };
  }
  if (verify) {
    if (!parseActionKeys(verify)) throw new ConfigurationError(['ACTION_VERIFY_KEYS: a key id appears twice']);
    actions.verifyKeys = verify;
  }
  return actions;
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

function toLedgerConfig(c: LedgerValues): LedgerConfig {
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
    ...(c.LEDGER_EVIDENCE_MEMBER ? { evidenceMember: c.LEDGER_EVIDENCE_MEMBER } : {}),
  };
}

/**
 * The Temporal connection: plaintext, TLS (server checked), mTLS (client certificate) or an API
 * key over TLS. Every problem is listed at once; no message quotes key material.
 */
function toTemporalConfig(c: ConfigValues, uiUrl: string): TemporalConfig {
  const temporal: TemporalConfig = {
    address: c.TEMPORAL_ADDRESS,
    namespace: c.TEMPORAL_NAMESPACE,
    taskQueue: c.TEMPORAL_TASK_QUEUE,
    uiUrl,
  };
  const problems: string[] = [];
  const certFile = c.TEMPORAL_TLS_CERT_FILE;
  const keyFile = c.TEMPORAL_TLS_KEY_FILE;
  const caFile = c.TEMPORAL_TLS_CA_FILE;
  const apiKeyVariable = c.TEMPORAL_API_KEY ? 'TEMPORAL_API_KEY' : 'TEMPORAL_API_KEY_FILE';
  const hasApiKey = Boolean(c.TEMPORAL_API_KEY || c.TEMPORAL_API_KEY_FILE);
  if (certFile && !keyFile) problems.push('TEMPORAL_TLS_KEY_FILE: required with TEMPORAL_TLS_CERT_FILE');
  if (keyFile && !certFile) problems.push('TEMPORAL_TLS_CERT_FILE: required with TEMPORAL_TLS_KEY_FILE');
  if (c.TEMPORAL_API_KEY && c.TEMPORAL_API_KEY_FILE) {
    problems.push('TEMPORAL_API_KEY and TEMPORAL_API_KEY_FILE are both set: choose one');
  }
  if (hasApiKey && (certFile || keyFile)) {
    problems.push(
      `${apiKeyVariable} and TEMPORAL_TLS_CERT_FILE/TEMPORAL_TLS_KEY_FILE are both set: ` +
        'authenticate with an API key or a client certificate, not both',
    );
  }
  const needTls = Object.entries({
    TEMPORAL_TLS_CERT_FILE: certFile,
    TEMPORAL_TLS_KEY_FILE: keyFile,
    TEMPORAL_TLS_CA_FILE: caFile,
    TEMPORAL_TLS_SERVER_NAME: c.TEMPORAL_TLS_SERVER_NAME,
    TEMPORAL_API_KEY: c.TEMPORAL_API_KEY,
    TEMPORAL_API_KEY_FILE: c.TEMPORAL_API_KEY_FILE,
  })
    .filter(([, value]) => value !== undefined)
    .map(([variable]) => variable);
  if (c.TEMPORAL_TLS === 'false' && needTls.length > 0) {
    problems.push(`TEMPORAL_TLS: false, but ${needTls.join(', ')} ${needTls.length > 1 ? 'need' : 'needs'} TLS`);
  }

  const caCertificate = caFile ? readCertificate('TEMPORAL_TLS_CA_FILE', caFile, problems) : undefined;
  let clientCertificate: TemporalTlsConfig['clientCertificate'];
  if (certFile && keyFile) {
    const certificate = readCertificate('TEMPORAL_TLS_CERT_FILE', certFile, problems);
    const key = readPrivateKey('TEMPORAL_TLS_KEY_FILE', keyFile, problems);
    if (certificate && key) {
      if (!certificate.x509.checkPrivateKey(key.object)) {
        problems.push(
          `TEMPORAL_TLS_KEY_FILE: the key in ${keyFile} does not belong to the certificate in ${certFile} (TEMPORAL_TLS_CERT_FILE)`,
        );
      } else {
        clientCertificate = { certificate: certificate.pem, key: key.pem };
      }
    }
  }
  if (hasApiKey) {
    const apiKey = c.TEMPORAL_API_KEY ?? readApiKeyFile(c.TEMPORAL_API_KEY_FILE!, problems);
    if (apiKey !== undefined) temporal.apiKey = apiKey;
  }
  if (problems.length > 0) throw new ConfigurationError(problems);

  if (c.TEMPORAL_TLS === 'true' || needTls.length > 0) {
    temporal.tls = {
      ...(c.TEMPORAL_TLS_SERVER_NAME ? { serverName: c.TEMPORAL_TLS_SERVER_NAME } : {}),
      ...(caCertificate ? { caCertificate: caCertificate.pem } : {}),
      ...(clientCertificate ? { clientCertificate } : {}),
    };
  }
  return temporal;
}

/** A file's bytes, or a problem naming the variable (and never the content) when it cannot be read. */
function readSettingFile(variable: string, file: string, problems: string[]): Buffer | undefined {
  try {
    const content = readFileSync(file);
    if (content.length === 0) problems.push(`${variable}: ${file} is empty`);
    return content.length > 0 ? content : undefined;
  } catch (error) {
    problems.push(`${variable}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    return undefined;
  }
}

function readCertificate(
  variable: string,
  file: string,
  problems: string[],
): { pem: Buffer; x509: X509Certificate } | undefined {
  const pem = readSettingFile(variable, file, problems);
  if (!pem) return undefined;
  let x509: X509Certificate | undefined;
  try {
    // Temporal's Rust core reads PEM only; X509Certificate alone would also take DER.
    if (pem.includes('-----BEGIN CERTIFICATE-----')) x509 = new X509Certificate(pem);
  } catch {
    x509 = undefined;
  }
  if (!x509) {
    problems.push(`${variable}: ${file} holds no PEM certificate`);
    return undefined;
  }
  if (Date.parse(x509.validTo) < Date.now()) {
    problems.push(`${variable}: the certificate in ${file} expired on ${new Date(x509.validTo).toISOString()}`);
    return undefined;
  }
  return { pem, x509 };
}

function readPrivateKey(
  variable: string,
  file: string,
  problems: string[],
): { pem: Buffer; object: KeyObject } | undefined {
  const pem = readSettingFile(variable, file, problems);
  if (!pem) return undefined;
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem.toString('latin1'))) {
    problems.push(`${variable}: the key in ${file} is encrypted; Temporal's SDK needs it unencrypted`);
    return undefined;
  }
  try {
    if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(pem.toString('latin1'))) throw new Error('not PEM');
    return { pem, object: createPrivateKey(pem) };
  } catch {
    // Not the parser's message: nothing about the key's content belongs in a log.
    problems.push(`${variable}: ${file} holds no PEM private key`);
    return undefined;
  }
}

function readApiKeyFile(file: string, problems: string[]): string | undefined {
  const content = readSettingFile('TEMPORAL_API_KEY_FILE', file, problems);
  if (!content) return undefined;
  // A trailing newline is how editors and secret mounts end files; it is not part of the key.
  const apiKey = content.toString('utf8').trim();
  if (!configSchema.shape.TEMPORAL_API_KEY.safeParse(apiKey).success) {
    problems.push(`TEMPORAL_API_KEY_FILE: ${file} does not hold one API key (printable ASCII without spaces)`);
    return undefined;
  }
  return apiKey;
}

/**
 * A configuration file's JSON. Not the parser's message on a syntax error: it quotes the start of
 * the file, which may be a secret.
 */
function readJsonFile(variable: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not a JSON document' : (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError([`${variable}: cannot read ${file}: ${reason ?? 'unreadable'}`]);
  }
}

/** WEBHOOK_ENDPOINTS_FILE's endpoints; a problem names the tenant and field, never a secret. */
function loadWebhookEndpoints(file: string): WebhookEndpoints {
  const parsed = webhookEndpointsSchema.safeParse(readJsonFile('WEBHOOK_ENDPOINTS_FILE', file));
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map(
        (issue) => `WEBHOOK_ENDPOINTS_FILE: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
      ),
    );
  }
  return parsed.data;
}

/** DOCUMENT_POLICY_FILE's kinds and requirements, checked by the domain's own parser. */
function loadDocumentConfiguration(file: string): DocumentConfiguration {
  const parsed = documentConfigurationFrom(readJsonFile('DOCUMENT_POLICY_FILE', file));
  if (!parsed.ok)
    throw new ConfigurationError(parsed.problems.map((p) => `DOCUMENT_POLICY_FILE: ${p.field}: ${p.message}`));
  return parsed.configuration;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;
const codecFileSchema = z.object({
  activeKeyId: z.string().regex(KEY_ID),
  keys: z.record(z.string().regex(KEY_ID), z.string().regex(HEX32_PATTERN, 'expected 64 lowercase hex characters')),
});

/** Payload keys from CODEC_KEYS or CODEC_KEYS_FILE: exactly one, since nothing may run unencrypted. */
function loadCodecKeys(inline: string | undefined, file: string | undefined): CodecKeys {
  if (inline && file) throw new ConfigurationError(['CODEC_KEYS and CODEC_KEYS_FILE are both set: choose one']);
  if (file) {
    const raw = readJsonFile('CODEC_KEYS_FILE', file);
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
    if (!id || !KEY_ID.test(id) || !key || !isHex32(key) || rest.length > 0) {
      throw new ConfigurationError(['CODEC_KEYS: expected <key id>:<64 lowercase hex>[,<key id>:<64 hex>...]']);
    }
    if (id in keys) throw new ConfigurationError([`CODEC_KEYS: key id ${id} appears twice`]);
    keys[id] = key;
  }
  return { activeKeyId: pairs[0]!.split(':')[0]!, keys };
}
