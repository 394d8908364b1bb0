export * from './namespace-setup.js';
export * from './temporal-client.module.js';
