/**
 * Every setting lendbridge reads from the environment, with its default for the local stack.
 * README's configuration reference lists the same variables; keep them in step.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port');
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address');
const positiveInt = z.coerce.number().int().positive();

export const configSchema = z.object({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('lendbridge'),
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  LEDGER_RPC_URL: z.url().default('http://127.0.0.1:8545'),
  LEDGER_CHAIN_ID: positiveInt.default(31337),
  LEDGER_PROBE_ADDRESS: evmAddress,
  LEDGER_TIMEOUT_MS: positiveInt.default(2000),
  HEALTH_TIMEOUT_MS: positiveInt.default(2000),
});

export type ConfigEnvironment = z.input<typeof configSchema>;
