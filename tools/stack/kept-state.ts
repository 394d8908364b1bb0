/**
 * What a local stack keeps in its data directory across restarts (`npm run dev` in .data/,
 * `npm run stack:cluster` in .data/cluster/): the secrets its history and evidence depend on, and
 * the ledger with the registries deployed once.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevJwtSecret } from '#api/auth/dev-secret';
import { type WebhookEndpoints } from '#config';
import { keepFileOnce } from '#config/kept-file';
import { actionPublicKey, formatActionKeys, newActionSigningKey, parseActionKeys } from '#domain';
import { generateWebhookSecret } from '#webhooks';
import { DEV_CHAIN_ID, startAnvil, type RunningAnvil } from './anvil.js';
import { ensureDeployed } from './contracts.js';
import { deployDevLedger, devLedgerAddresses, type DevLedgerAddresses } from './dev-ledger.js';
import { type AppSettings } from './lendbridge-apps.js';

/**
 * 32 random bytes as hex, made once per data directory, so what they protect outlives restarts.
 * Every kept file here is created with keepFileOnce: exclusively, mode 0600.
 */
export function keptSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  keepFileOnce(file, () => randomBytes(32).toString('hex'));
  return readFileSync(file, 'utf8').trim();
}

/**
 * Each tenant's webhook secret (`whsec_...`), made once per data directory under webhooks/: a loan
 * system keeps its endpoint's secret across the platform's restarts.
 */
export function keptWebhookSecrets(dataDir: string, tenants: readonly string[]): Record<string, string[]> {
  const dir = join(dataDir, 'webhooks');
  mkdirSync(dir, { recursive: true });
  return Object.fromEntries(
    tenants.map((tenant) => {
      const file = join(dir, `${tenant}.secret`);
      keepFileOnce(file, () => `${generateWebhookSecret()}\n`);
      return [tenant, [readFileSync(file, 'utf8').trim()]];
    }),
  );
}

/**
 * WEBHOOK_ENDPOINTS_FILE for the stack's receiver, written on every start (its port may change),
 * owner-only, replaced whole so a worker never reads half of it.
 */
export function writeWebhookEndpointsFile(dataDir: string, endpoints: WebhookEndpoints): string {
  const file = join(dataDir, 'webhooks', 'endpoints.json');
  const draft = `${file}.${process.pid}.draft`;
  writeFileSync(draft, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  renameSync(draft, file);
  return file;
}

/**
 * The payload key file, made once per data directory: the history is encrypted with it, so it must
 * outlive restarts just as the history does. Lost, that history can no longer be read.
 */
function keptCodecKeysFile(dataDir: string, keyId: string): string {
  const file = join(dataDir, 'codec-keys.json');
  keepFileOnce(file, () => {
    const keys = { activeKeyId: keyId, keys: { [keyId]: randomBytes(32).toString('hex') } };
    return `${JSON.stringify(keys, null, 2)}\n`;
  });
  return file;
}

/**
 * The API's action signing key, made once per data directory (`<key id>:<base64url>`); applications
 * under way accept actions only under it (or a key listed beside it), so it outlives restarts.
 */
function keptActionSigningKey(dataDir: string, keyId: string): string {
  const file = join(dataDir, 'action-signing.key');
  keepFileOnce(file, () => {
    const key = newActionSigningKey(keyId);
    return `${formatActionKeys({ [key.keyId]: key.secretKey })}\n`;
  });
  return readFileSync(file, 'utf8').trim();
}

/** The API's signing key and the matching verification key the workers load. */
export function actionKeys(signingKey: string): AppSettings['actions'] {
  const [keyId, secretKey] = Object.entries(parseActionKeys(signingKey) ?? {})[0] ?? [];
  if (!keyId || !secretKey) throw new Error('ACTION_SIGNING_KEY: expected <key id>:<base64url 32 bytes>');
  return {
    ACTION_SIGNING_KEY: signingKey,
    ACTION_VERIFY_KEYS: formatActionKeys({ [keyId]: actionPublicKey(secretKey) }),
  };
}

/**
 * The keys every API and worker of a local stack must share: payload keys, the token secret and
 * the action signing key, kept under `dataDir` unless the caller's environment sets them
 * (CODEC_KEYS or CODEC_KEYS_FILE; AUTH_JWKS_URL or AUTH_JWT_SECRET; ACTION_SIGNING_KEY with
 * ACTION_VERIFY_KEYS), in which case those win. Development tokens (`npm run token`) are signed
 * with the kept secret; production sets AUTH_JWKS_URL.
 */
export function keptAppKeys(
  dataDir: string,
  codecKeyId: string,
  env: NodeJS.ProcessEnv,
): Pick<AppSettings, 'codec' | 'auth' | 'actions'> {
  return {
    actions:
      env.ACTION_SIGNING_KEY && env.ACTION_VERIFY_KEYS
        ? { ACTION_SIGNING_KEY: env.ACTION_SIGNING_KEY, ACTION_VERIFY_KEYS: env.ACTION_VERIFY_KEYS }
        : actionKeys(keptActionSigningKey(dataDir, `${codecKeyId}-actions`)),
    codec: env.CODEC_KEYS
      ? { CODEC_KEYS: env.CODEC_KEYS }
      : { CODEC_KEYS_FILE: env.CODEC_KEYS_FILE || keptCodecKeysFile(dataDir, codecKeyId) },
    auth: env.AUTH_JWKS_URL
      ? { AUTH_JWKS_URL: env.AUTH_JWKS_URL }
      : { AUTH_JWT_SECRET: env.AUTH_JWT_SECRET || ensureDevJwtSecret(dataDir) },
  };
}

export interface KeptLedger extends DevLedgerAddresses {
  anvil: RunningAnvil;
  /** False when the registries were found from an earlier start. */
  deployed: boolean;
}

/** Where anvil keeps its chain under `dataDir`. */
export function keptAnvilStateFile(dataDir: string): string {
  return join(dataDir, 'anvil', 'state.json');
}

/** anvil on its state file under `dataDir`, with both registries deployed the first time only. */
export async function startKeptDevLedger(
  dataDir: string,
  port: number,
  output: 'prefixed' | 'silent' = 'prefixed',
): Promise<KeptLedger> {
  mkdirSync(join(dataDir, 'anvil'), { recursive: true });
  const anvil = await startAnvil({ port, stateFile: keptAnvilStateFile(dataDir), output });
  const { record, deployed } = await ensureDeployed(
    anvil.rpcUrl,
    DEV_CHAIN_ID,
    join(dataDir, 'ledger', 'deployment.json'),
    ['CreditReportRegistry', 'EvidenceRegistry'],
    () => deployDevLedger(anvil.rpcUrl, DEV_CHAIN_ID),
  );
  return { anvil, deployed, ...devLedgerAddresses(record) };
}
