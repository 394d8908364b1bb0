/**
 * Where the running stack is and what it trusts, read the way `npm run dev` wrote it: the same
 * variables and defaults (LENDBRIDGE_DATA_DIR, API_PORT, TEMPORAL_PORT, TEMPORAL_UI_PORT,
 * ANVIL_PORT, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE), and from the data directory the token
 * secret, the payload keys and the ledger deployment. The result goes through `loadConfig`, so the
 * demo sees exactly the configuration the API was started with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devJwtSecretFile, readDevJwtSecret } from '#api/auth/dev-secret';
import { loadConfig, type LendbridgeConfig } from '#config';
import { DEV_CHAIN_ID } from '#stack/anvil';
import { REPO_ROOT, type DeploymentRecord } from '#stack/contracts';
import { devLedgerAddresses } from '#stack/dev-ledger';

/** The stack is not there, or not the one the settings describe: tell the person what to do. */
export class StackNotReadyError extends Error {}

export interface StackLocation {
  /** The data directory `npm run dev` keeps its state in. */
  dataDir: string;
  /** True when LENDBRIDGE_DATA_DIR was set: commands printed for the person must carry it too. */
  dataDirFromEnv: boolean;
  apiUrl: string;
  ports: { api: number; temporal: number; temporalUi: number; anvil: number };
}

/** What the demo needs to act on the stack, beyond its address. */
export interface StackSettings extends StackLocation {
  /** The configuration the API runs with (payload keys, namespace, task queue, ledger, auth). */
  config: LendbridgeConfig;
  /** The HS256 secret development tokens are signed with. */
  jwtSecret: string;
}

/** Only addresses: enough to ask the API whether it is up, before any file is read. */
export function locateStack(env: NodeJS.ProcessEnv = process.env): StackLocation {
  const ports = {
    api: port(env, 'API_PORT', 3000),
    temporal: port(env, 'TEMPORAL_PORT', 7233),
    temporalUi: port(env, 'TEMPORAL_UI_PORT', 8233),
    anvil: port(env, 'ANVIL_PORT', 8545),
  };
  return {
    dataDir: env.LENDBRIDGE_DATA_DIR ?? join(REPO_ROOT, '.data'),
    dataDirFromEnv: env.LENDBRIDGE_DATA_DIR !== undefined,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    ports,
  };
}

/** Reads the data directory's secrets and deployment, as `npm run dev` hands them to the API. */
export function readStackSettings(location: StackLocation, env: NodeJS.ProcessEnv = process.env): StackSettings {
  const { dataDir, ports } = location;
  const deploymentFile = join(dataDir, 'ledger', 'deployment.json');
  const codecKeysFile = join(dataDir, 'codec-keys.json');
  const ownKeys = Boolean(env.CODEC_KEYS || env.CODEC_KEYS_FILE);
  const ownSecret = Boolean(env.AUTH_JWT_SECRET);
  const needed = [
    deploymentFile,
    ...(ownKeys ? [] : [codecKeysFile]),
    ...(ownSecret ? [] : [devJwtSecretFile(dataDir)]),
  ];
  const missing = needed.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new StackNotReadyError(
      `the API at ${location.apiUrl} is up, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: ` +
        'give the demo the same LENDBRIDGE_DATA_DIR and ports as npm run dev',
    );
  }
  if (!ownSecret && env.AUTH_JWKS_URL) {
    throw new StackNotReadyError('the API verifies tokens with AUTH_JWKS_URL: the demo signs development tokens only');
  }
  const jwtSecret = env.AUTH_JWT_SECRET || readDevJwtSecret(dataDir);
  const record = JSON.parse(readFileSync(deploymentFile, 'utf8')) as DeploymentRecord;
  const { registryAddress, evidenceAddress } = devLedgerAddresses(record);
  // The environment npm run dev gives the API, minus the signer: the demo signs only as the issuer.
  const { LEDGER_SIGNER_KEY: _key, LEDGER_KEYSTORE_FILE: _file, LEDGER_KEYSTORE_PASSWORD: _pw, ...rest } = env;
  const config = loadConfig({
    ...rest,
    API_PORT: String(ports.api),
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE || 'default',
    TEMPORAL_UI_URL: `http://127.0.0.1:${ports.temporalUi}`,
    LEDGER_RPC_URL: `http://127.0.0.1:${ports.anvil}`,
    LEDGER_CHAIN_ID: String(DEV_CHAIN_ID),
    LEDGER_REGISTRY_ADDRESS: registryAddress,
    LEDGER_EVIDENCE_ADDRESS: evidenceAddress,
    ...(ownKeys ? {} : { CODEC_KEYS_FILE: codecKeysFile }),
    AUTH_JWT_SECRET: jwtSecret,
  });
  return { ...location, config, jwtSecret };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new Error(`${name}=${env[name]} is not a port number`);
  }
  return value;
}
