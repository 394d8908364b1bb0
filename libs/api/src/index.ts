/**
 * lendbridge's API plugin, the package's main entry (`lendbridge`): the Nest module a host imports,
 * the standalone app that `apps/api` serves (the same module with lendbridge's HTTP settings), and
 * the configuration both read, so a host needs no other entry to serve the API.
 */
export { createApiApp } from './api-app.js';
export { ApiModule } from './api.module.js';
export {
  APPLICATION_POLICY,
  standalonePolicySource,
  type ApplicationPolicySource,
  type PolicyRefusal,
} from './applications/application-policy.js';
export {
  LendbridgeModule,
  type LendbridgeModuleAsyncOptions,
  type LendbridgeModuleOptions,
} from './lendbridge.module.js';
export { ConfigurationError, loadConfig, type LendbridgeConfig } from '#config';
