/**
 * Every setting lendbridge reads from the environment, with its default for the local stack.
 * README's configuration reference lists the same variables; keep them in step.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port');
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address');
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 0x-prefixed 32-byte hex private key');
const positiveInt = z.coerce.number().int().positive();

/** The ledger settings: shared by the apps and the issuer/admin command-line tools. */
export const ledgerSchema = z.object({
  LEDGER_RPC_URL: z.url().default('http://127.0.0.1:8545'),
  LEDGER_CHAIN_ID: positiveInt.default(31337),
  LEDGER_REGISTRY_ADDRESS: evmAddress,
  LEDGER_EVIDENCE_ADDRESS: evmAddress,
  LEDGER_CONFIRMATIONS: z.coerce.number().int().min(0).default(0),
  LEDGER_TIMEOUT_MS: positiveInt.default(2000),
  LEDGER_TX_TIMEOUT_MS: positiveInt.default(60_000),
  LEDGER_GAS_PRICING: z.enum(['auto', 'legacy']).default('auto'),
  LEDGER_SIGNER_KEY: privateKey.optional(),
  LEDGER_KEYSTORE_FILE: z.string().min(1).optional(),
  LEDGER_KEYSTORE_PASSWORD: z.string().optional(),
  /**
   * The lender (recorder member) whose namespace this deployment records evidence in. Set, the
   * writer refuses to record while its key serves any other member; unset, it records for whichever
   * member the key serves.
   */
  LEDGER_EVIDENCE_MEMBER: evmAddress.optional(),
});

export const configSchema = ledgerSchema.extend({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Origins allowed to call the API from a browser (comma-separated); the Temporal UI is always one. */
  API_CORS_ORIGINS: z.string().optional(),
  API_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  /** Largest credit report accepted as an upload; it is hashed in memory and never stored. */
  API_REPORT_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  /** Requests per minute per client address before the API answers 429. */
  API_RATE_LIMIT_PER_MINUTE: positiveInt.default(1200),
  /** Proxies (load balancers) in front of the API whose X-Forwarded-* headers are trusted: 0 = none. */
  API_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** How long one API call may wait on Temporal before answering 503 (e.g. no worker is polling). */
  API_TEMPORAL_TIMEOUT_MS: positiveInt.default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 secret for development tokens (`npm run token`); production uses AUTH_JWKS_URL. */
  AUTH_JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** JWKS of the identity provider (RS256/ES256 tokens). */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().min(1).default('lendbridge-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('lendbridge'),
  /** Payload encryption keys: `<key id>:<64 hex>` pairs, comma-separated; the first encrypts. */
  CODEC_KEYS: z.string().min(1).optional(),
  /** Or a JSON file `{ "activeKeyId": "k2", "keys": { "k1": "<64 hex>", "k2": "<64 hex>" } }`. */
  CODEC_KEYS_FILE: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('lendbridge'),
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  /** `true`: TLS that checks the server only; the certificate, CA and API key settings imply TLS. */
  TEMPORAL_TLS: z.enum(['true', 'false'], 'expected true or false').optional(),
  /** PEM client certificate and its private key for mTLS; one without the other is refused. */
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM CA the server's certificate must chain to; unset: the system's trusted roots. */
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  /** Name the server's certificate must carry, when it is not the host of TEMPORAL_ADDRESS. */
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, 'expected a host name')
    .optional(),
  /** Temporal Cloud API key (implies TLS); not with a client certificate. */
  TEMPORAL_API_KEY: z
    .string()
    // It travels as an `Authorization: Bearer` header: printable ASCII, no spaces.
    .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces')
    .optional(),
  TEMPORAL_API_KEY_FILE: z.string().min(1).optional(),
  HEALTH_TIMEOUT_MS: positiveInt.default(2000),
  /** A workflow bundle prebuilt by `npm run build`; unset: the worker bundles workflows at start. */
  WORKER_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.default(40),
  /**
   * Applications kept in the worker's sticky cache. Each costs memory (about 0.38 MB measured by
   * `npm run bench:scale`) and most sit in review for hours, where a cache hit saves nothing that
   * matters; a miss only replays one short history. 1000 put the worker above 700 MB with 10,000
   * applications open, 200 above 450 MB; 50 keeps it under 400 MB.
   */
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(50),
  /** Where the worker tells the loan system about outcomes; unset: events are only logged. */
  WEBHOOK_URL: z.url().optional(),
  WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /**
   * The API's Ed25519 key for signing reviewers' and loan systems' actions, `<key id>:<base64url of
   * the 32-byte secret key>`. Only the API holds it: nobody can act on an application without it.
   */
  ACTION_SIGNING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{43}$/, 'expected <key id>:<base64url of 32 bytes>')
    .optional(),
  /** The public keys workers accept actions under, `<key id>:<base64url 32 bytes>`, comma-separated. */
  ACTION_VERIFY_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{43}(,[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{43})*$/,
      'expected <key id>:<base64url of 32 bytes>[,...]',
    )
    .optional(),
  /** Jurisdictions whose reviewers this deployment has; an application for another is refused. */
  REVIEW_JURISDICTIONS: z
    .string()
    .regex(/^[A-Z]{2,3}(,[A-Z]{2,3})*$/, 'expected comma-separated codes such as HK,CN')
    .default('HK,CN'),
  /**
   * History events after which an application's run continues as new, its state carried over: no
   * application nears Temporal's history limits however many actions it sees.
   */
  WORKFLOW_EVENTS_PER_RUN: z.coerce.number().int().min(50).max(40_000).default(2000),
  /** How often the reconciler looks for applications ended from outside (terminated, reset). */
  RECONCILE_EVERY_MS: positiveInt.default(60_000),
  /** Where the worker serves Prometheus metrics (host:port); unset: no metrics endpoint. */
  WORKER_METRICS_ADDRESS: hostPort.optional(),
  /** HMAC key (32 bytes, hex) for the application references recorded on chain with evidence. */
  EVIDENCE_REFERENCE_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters')
    .optional(),
});

export type ConfigEnvironment = z.input<typeof configSchema>;
