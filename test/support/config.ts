import { loadConfig, type LendbridgeConfig } from '../../libs/config/src/index.js';

/** A validated config for tests: every value a test cares about is passed in explicitly. */
export function testConfig(env: Record<string, string | undefined>): LendbridgeConfig {
  return loadConfig({ API_HOST: '127.0.0.1', ...env });
}
