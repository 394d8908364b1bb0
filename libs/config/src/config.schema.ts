/**
 * Every setting lendbridge reads from the environment, with its default for the local stack, what it
 * is and which process reads it. This schema is the only place a variable is documented:
 * docs/configuration.md's reference table is generated from it (`npm run docs:config`), and a unit
 * test fails when the two drift apart.
 */
import { z } from 'zod';
import { BYTES32_ANY_CASE_PATTERN, HEX32_PATTERN } from '#domain/hex';
import { ID_RULE, TENANT_PATTERN } from '#domain/ids';
import { isWebhookSecret, WEBHOOK_SECRET_RULE } from '#webhooks';

/** Who reads a variable: the HTTP API, the Temporal worker, or the issuer/admin command-line tools. */
export type ConfigReader = 'API' | 'worker' | 'tools';

declare module 'zod/v4/core' {
  interface GlobalMeta {
    /** Which processes read the variable (the configuration reference's "read by" column). */
    readBy?: readonly ConfigReader[];
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port');
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address');
const privateKey = z.string().regex(BYTES32_ANY_CASE_PATTERN, 'expected a 0x-prefixed 32-byte hex private key');
const positiveInt = z.coerce.number().int().positive();

const API = ['API'] as const;
const WORKER = ['worker'] as const;
const API_AND_WORKER = ['API', 'worker'] as const;
const LEDGER_READERS = ['API', 'worker', 'tools'] as const;
const LEDGER_WRITERS = ['worker', 'tools'] as const;

/** The ledger settings: shared by the apps and the issuer/admin command-line tools. */
export const ledgerSchema = z.object({
  LEDGER_RPC_URL: z
    .url()
    .default('http://127.0.0.1:8545')
    .meta({ description: 'EVM JSON-RPC endpoint', readBy: LEDGER_READERS }),
  LEDGER_CHAIN_ID: positiveInt
    .default(31337)
    .meta({ description: 'the chain the node must serve; another is refused', readBy: LEDGER_READERS }),
  LEDGER_REGISTRY_ADDRESS: evmAddress.meta({
    description: 'address of `CreditReportRegistry`',
    readBy: LEDGER_READERS,
  }),
  LEDGER_EVIDENCE_ADDRESS: evmAddress.meta({ description: 'address of `EvidenceRegistry`', readBy: LEDGER_READERS }),
  LEDGER_CONFIRMATIONS: z.coerce.number().int().min(0).default(0).meta({
    description: 'blocks an anchor must be buried under before it counts: 0 for instant finality (PBFT, QBFT)',
    readBy: LEDGER_READERS,
  }),
  LEDGER_TIMEOUT_MS: positiveInt
    .default(2000)
    .meta({ description: 'timeout of one JSON-RPC request', readBy: LEDGER_READERS }),
  LEDGER_TX_TIMEOUT_MS: positiveInt
    .default(60_000)
    .meta({ description: "how long to wait for a transaction's receipt", readBy: LEDGER_WRITERS }),
  LEDGER_GAS_PRICING: z.enum(['auto', 'legacy']).default('auto').meta({
    description: '`legacy` sends type-0 transactions priced by `eth_gasPrice` (FISCO BCOS reports no base fee)',
    readBy: LEDGER_WRITERS,
  }),
  LEDGER_SIGNER_KEY: privateKey.optional().meta({
    description: "the signer's private key, `0x` + 64 hex (development); not with `LEDGER_KEYSTORE_FILE`",
    readBy: LEDGER_WRITERS,
  }),
  LEDGER_KEYSTORE_FILE: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'the signer from an encrypted JSON keystore file (production)', readBy: LEDGER_WRITERS }),
  LEDGER_KEYSTORE_PASSWORD: z
    .string()
    .optional()
    .meta({ description: "the keystore's password; required with `LEDGER_KEYSTORE_FILE`", readBy: LEDGER_WRITERS }),
  LEDGER_EVIDENCE_MEMBER: evmAddress.optional().meta({
    description:
      'the lender (recorder member address) evidence must be recorded for: a key serving another lender records ' +
      "nothing, and `npm run admin -- accept-key` accepts only this lender's proposal; unset: whichever lender the key serves",
    readBy: LEDGER_WRITERS,
  }),
});

export const configSchema = ledgerSchema.extend({
  API_HOST: z.string().min(1).default('127.0.0.1').meta({ description: 'address the API binds to', readBy: API }),
  API_PORT: port.default(3000).meta({ description: 'API port (also used by `npm run dev`)', readBy: API }),
  API_CORS_ORIGINS: z.string().optional().meta({
    description:
      "more browser origins allowed to call the API, comma-separated; the Temporal UI's origin (from `TEMPORAL_UI_URL`) always is",
    readBy: API,
  }),
  API_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024).meta({ description: 'largest JSON body', readBy: API }),
  API_REPORT_MAX_BYTES: positiveInt.default(10 * 1024 * 1024).meta({
    description: 'largest credit report upload (hashed in memory, never stored)',
    readBy: API,
  }),
  API_RATE_LIMIT_PER_MINUTE: positiveInt.default(1200).meta({
    description:
      "requests a minute one caller (the token's subject; the client address on public routes) may make to one API instance, then 429 with Retry-After",
    readBy: API,
  }),
  // At 1 or 2 a published count would be a single application or its pair: 3 is the floor.
  SUPERVISION_MIN_CELL_COUNT: z.coerce.number().int().min(3).max(1000).default(5).meta({
    description:
      "the smallest count a supervisor's view publishes (3 to 1000): a cell counting fewer applications is withheld and published counts are rounded to a multiple of it, so nobody can be singled out",
    readBy: API,
  }),
  API_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0).meta({
    description:
      'load balancers (0–10) in front of the API whose `X-Forwarded-*` headers are trusted: client address for the rate limit, HTTPS for cookies',
    readBy: API,
  }),
  API_TEMPORAL_TIMEOUT_MS: positiveInt.default(10_000).meta({
    description:
      'longest an API call waits on Temporal (for example an update with no worker polling) before answering 503',
    readBy: API,
  }),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .meta({ description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`', readBy: API }),
  AUTH_JWT_SECRET: z.string().min(32, 'at least 32 characters').optional().meta({
    description:
      'HS256 secret for development tokens (`npm run token`), at least 32 characters (`npm run dev` makes one per data directory)',
    readBy: API,
  }),
  AUTH_JWKS_URL: z.url().optional().meta({
    description:
      'JWKS of the identity provider (RS256/ES256 tokens), https except on loopback; the API needs this or `AUTH_JWT_SECRET`',
    readBy: API,
  }),
  AUTH_ISSUER: z
    .string()
    .min(1)
    .default('lendbridge-dev')
    .meta({ description: 'the `iss` tokens must carry', readBy: API }),
  AUTH_AUDIENCE: z
    .string()
    .min(1)
    .default('lendbridge')
    .meta({ description: 'the `aud` tokens must carry', readBy: API }),
  CODEC_KEYS: z.string().min(1).optional().meta({
    description:
      'payload encryption keys, `<key id>:<64 hex>` comma-separated; the first encrypts, all decrypt. This or `CODEC_KEYS_FILE` is required',
    readBy: API_AND_WORKER,
  }),
  CODEC_KEYS_FILE: z.string().min(1).optional().meta({
    description:
      'the same as a JSON file `{"activeKeyId": "k2", "keys": {"k1": "<64 hex>", "k2": "<64 hex>"}}`; not with `CODEC_KEYS` (`npm run dev` makes one per data directory)',
    readBy: API_AND_WORKER,
  }),
  TEMPORAL_ADDRESS: hostPort
    .default('127.0.0.1:7233')
    .meta({ description: 'Temporal frontend, `host:port`', readBy: API_AND_WORKER }),
  TEMPORAL_NAMESPACE: z
    .string()
    .min(1)
    .default('default')
    .meta({ description: "namespace for lendbridge's workflows", readBy: API_AND_WORKER }),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .min(1)
    .default('lendbridge')
    .meta({ description: 'task queue the worker polls and the API starts workflows on', readBy: API_AND_WORKER }),
  TEMPORAL_UI_URL: z
    .url()
    .default('http://127.0.0.1:8233')
    .meta({ description: 'base of links into the Temporal UI', readBy: API }),
  TEMPORAL_TLS: z.enum(['true', 'false'], 'expected true or false').optional().meta({
    description:
      '`true`: TLS to the frontend, checking only its certificate; the certificate, CA, server name and API key settings imply TLS (`false` beside them is refused)',
    readBy: API_AND_WORKER,
  }),
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional().meta({
    description:
      'PEM client certificate for mTLS, read and matched with its key at start-up; required with `TEMPORAL_TLS_KEY_FILE`',
    readBy: API_AND_WORKER,
  }),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional().meta({
    description: "the client certificate's unencrypted PEM private key; required with `TEMPORAL_TLS_CERT_FILE`",
    readBy: API_AND_WORKER,
  }),
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional().meta({
    description: "PEM CA the frontend's certificate must chain to; unset: the system's trusted roots",
    readBy: API_AND_WORKER,
  }),
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, 'expected a host name')
    .optional()
    .meta({
      description:
        "name the frontend's certificate must carry (also sent as SNI) when it is not the host of `TEMPORAL_ADDRESS`",
      readBy: API_AND_WORKER,
    }),
  TEMPORAL_API_KEY: z
    .string()
    // It travels as an `Authorization: Bearer` header: printable ASCII, no spaces.
    .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces')
    .optional()
    .meta({
      description: 'Temporal Cloud API key, sent as a bearer token, always over TLS; not with a client certificate',
      readBy: API_AND_WORKER,
    }),
  TEMPORAL_API_KEY_FILE: z.string().min(1).optional().meta({
    description: 'the same from a file (a trailing newline is ignored); not with `TEMPORAL_API_KEY`',
    readBy: API_AND_WORKER,
  }),
  HEALTH_TIMEOUT_MS: positiveInt
    .default(2000)
    .meta({ description: 'how long the health check waits for Temporal', readBy: API }),
  WORKER_WORKFLOW_BUNDLE: z.string().min(1).optional().meta({
    description:
      'a workflow bundle prebuilt by `npm run build` (`dist/workflow-bundle.js`); unset: the one the installed package carries, or in a source checkout the worker bundles workflows at start',
    readBy: WORKER,
  }),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt
    .default(100)
    .meta({ description: 'activity tasks one worker runs at once', readBy: WORKER }),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt
    .default(40)
    .meta({ description: 'workflow tasks one worker runs at once', readBy: WORKER }),
  // Each cached application costs memory (about 0.38 MB measured by `npm run bench:scale`) and most
  // sit in review for hours, where a cache hit saves nothing that matters; a miss only replays one
  // short history. 1000 put the worker above 700 MB with 10,000 applications open, 200 above 450 MB;
  // 50 keeps it under 400 MB.
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(50).meta({
    description:
      "applications kept in the worker's sticky cache, about 0.4 MB each (memory against replay work; see `BENCHMARKS.md`)",
    readBy: WORKER,
  }),
  WEBHOOK_ENDPOINTS_FILE: z.string().min(1).optional().meta({
    description:
      'per tenant, where its webhooks go: a JSON file `{"<tenant>": {"url": ..., "secrets": ["whsec_..."]}}` (docs/webhooks.md); a tenant not in it has its events retried until added; unset: events are only logged',
    readBy: WORKER,
  }),
  DOCUMENT_POLICY_FILE: z.string().min(1).optional().meta({
    description:
      'document kinds and requirements: a JSON file `{"catalogue": {"kinds": {...}}, "requirements": [...]}` (docs/documents.md), checked at start-up; unset: the standard kinds and default requirements',
    readBy: API,
  }),
  ACTION_SIGNING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{43}$/, 'expected <key id>:<base64url of 32 bytes>')
    .optional()
    .meta({
      description:
        "the API's Ed25519 key for signing reviewers' and loan systems' actions, `<key id>:<base64url of the 32-byte secret key>`; required by the API, and only the API holds it (`npm run action-keys`)",
      readBy: API,
    }),
  ACTION_VERIFY_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{43}(,[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{43})*$/,
      'expected <key id>:<base64url of 32 bytes>[,...]',
    )
    .optional()
    .meta({
      description:
        'the public keys workers accept actions under, `<key id>:<base64url of 32 bytes>`, comma-separated; required by the worker, which writes them into the workflow bundle',
      readBy: WORKER,
    }),
  REVIEW_JURISDICTIONS: z
    .string()
    .regex(/^[A-Z]{2,3}(,[A-Z]{2,3})*$/, 'expected comma-separated codes such as HK,CN')
    .default('HK,CN')
    .meta({
      description:
        'jurisdictions this deployment has reviewers for, comma-separated 2–3 letter codes; an application for another is refused (422)',
      readBy: API,
    }),
  WORKFLOW_EVENTS_PER_RUN: z.coerce.number().int().min(50).max(40_000).default(2000).meta({
    description:
      "history events (50–40,000) after which an application's run continues as new with its state, so none nears Temporal's history limits; the API writes it into each new application's input, so a change applies to applications created afterwards",
    readBy: API,
  }),
  RECONCILE_EVERY_MS: positiveInt.default(60_000).meta({
    description:
      'how often the reconciler looks for applications ended from outside (terminated, reset); applies when the reconciler workflow is first started',
    readBy: WORKER,
  }),
  WORKER_METRICS_ADDRESS: hostPort.optional().meta({
    description:
      "`host:port` where the worker serves Prometheus metrics (Temporal's and lendbridge's); unset: no metrics endpoint",
    readBy: WORKER,
  }),
  EVIDENCE_REFERENCE_KEY: z.string().regex(HEX32_PATTERN, 'expected 64 lowercase hex characters').optional().meta({
    description:
      'HMAC key, 64 lowercase hex characters, for the evidence salts and the application references recorded on chain; required by the worker (`npm run dev` makes one)',
    readBy: WORKER,
  }),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The content of WEBHOOK_ENDPOINTS_FILE: per tenant, where its events go and the secrets they are
 * signed with (each one signs; two while the loan system moves to a new one). Events carry
 * decisions and limits: https, except to a receiver on this machine (the local stack, tests).
 */
export const webhookEndpointsSchema = z.record(
  z.string().regex(TENANT_PATTERN, `a tenant id is ${ID_RULE}`),
  z.strictObject({
    url: z
      .url()
      // z.url() reports a malformed URL, but the refinements run too: each must not throw on one.
      .refine((url) => {
        if (!URL.canParse(url)) return true;
        const { protocol, hostname } = new URL(url);
        return protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
      }, 'expected an https URL (plain http only on loopback)')
      // fetch refuses such a URL on every attempt, and its error would quote the password.
      .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
        message: 'no user name or password in the URL (the signature authenticates lendbridge)',
      }),
    secrets: z
      .array(z.string().refine(isWebhookSecret, `expected ${WEBHOOK_SECRET_RULE}`))
      .min(1, 'at least one secret')
      .max(4, 'at most 4 secrets (the current one and those being retired)')
      .refine((secrets) => new Set(secrets).size === secrets.length, 'a secret appears twice'),
  }),
  { error: (issue) => (issue.code === 'invalid_key' ? `a tenant id is ${ID_RULE}` : undefined) },
);
/** Each tenant's endpoint, as WEBHOOK_ENDPOINTS_FILE gives it. */
export type WebhookEndpoints = z.output<typeof webhookEndpointsSchema>;
export type WebhookEndpoint = WebhookEndpoints[string];

/** The environment as the schema accepts it: every value a string, most optional. */
export type ConfigEnvironment = z.input<typeof configSchema>;
/** The environment after parsing: defaults filled in, numbers coerced, enums narrowed. */
export type ConfigValues = z.output<typeof configSchema>;
/** The ledger variables after parsing, for tools that read only those. */
export type LedgerValues = z.output<typeof ledgerSchema>;

/**
 * `env` without the lendbridge variables `reader` does not read (by the schema's readBy): a secret
 * only the worker holds (LEDGER_SIGNER_KEY, EVIDENCE_REFERENCE_KEY, WEBHOOK_ENDPOINTS_FILE) stays out of an
 * API process even when the environment it is started from has it. Anything that is not a
 * lendbridge variable (PATH, NODE_OPTIONS, ...) passes.
 */
export function environmentFor(reader: ConfigReader, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const shape: Record<string, z.ZodType> = configSchema.shape;
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !(name in shape) || (shape[name]!.meta()?.readBy ?? []).includes(reader)),
  );
}
