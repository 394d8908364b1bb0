import { configSchema } from './config.schema.js';

/** Validated, typed configuration: the only way code reads settings. */
export interface LendbridgeConfig {
  api: { host: string; port: number };
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string };
  ledger: { rpcUrl: string; chainId: number; probeAddress: string; timeoutMs: number };
  health: { timeoutMs: number };
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
  // Empty strings count as unset: `FOO= npm run dev` should mean "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const c = parsed.data;
  return {
    api: { host: c.API_HOST, port: c.API_PORT },
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      uiUrl: c.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    },
    ledger: {
      rpcUrl: c.LEDGER_RPC_URL,
      chainId: c.LEDGER_CHAIN_ID,
      probeAddress: c.LEDGER_PROBE_ADDRESS,
      timeoutMs: c.LEDGER_TIMEOUT_MS,
    },
    health: { timeoutMs: c.HEALTH_TIMEOUT_MS },
  };
}
