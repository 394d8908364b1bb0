export * from './connection-options.js';
export * from './namespace-setup.js';
export * from './temporal-client.module.js';
export * from './action-keys-bundle.js';
export * from './application-actions.js';
