export * from './activities.module.js';
export * from './ledger-probe.activities.js';
