import { loadConfig, type LendbridgeConfig } from '#config';
import { TEST_SIGNING_KEY, TEST_VERIFY_KEYS } from './actions.js';

/** A fixed payload key for tests; real deployments load theirs from CODEC_KEYS or CODEC_KEYS_FILE. */
export const TEST_CODEC_KEYS = `test-1:${'5a'.repeat(32)}`;
export const TEST_JWT_SECRET = 'test-only-secret-test-only-secret-0123456789';

/** A validated config for tests: every value a test cares about is passed in explicitly. */
export function testConfig(env: Record<string, string | undefined>): LendbridgeConfig {
  return loadConfig({
    API_HOST: '127.0.0.1',
    CODEC_KEYS: TEST_CODEC_KEYS,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    ACTION_SIGNING_KEY: TEST_SIGNING_KEY,
    ACTION_VERIFY_KEYS: TEST_VERIFY_KEYS,
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/**
 * Only the Temporal part of the settings `env` gives (address, namespace, TLS), read before there is
 * a ledger to name: the ledger addresses are placeholders that nothing connects to.
 */
export function testTemporalConfig(env: Record<string, string | undefined>): LendbridgeConfig['temporal'] {
  return testConfig({
    LEDGER_REGISTRY_ADDRESS: `0x${'00'.repeat(20)}`,
    LEDGER_EVIDENCE_ADDRESS: `0x${'00'.repeat(20)}`,
    ...env,
  }).temporal;
}
