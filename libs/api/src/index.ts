/**
 * lendbridge's API plugin: the Nest module a host imports, and the standalone app that
 * `apps/api` serves (the same module with lendbridge's HTTP settings).
 */
export { createApiApp } from './api-app.js';
export { ApiModule } from './api.module.js';
export {
  LendbridgeModule,
  type LendbridgeModuleAsyncOptions,
  type LendbridgeModuleOptions,
} from './lendbridge.module.js';
