export * from './ledger-client.js';
export * from './ledger-errors.js';
export * from './ledger.module.js';
