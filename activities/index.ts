export * from './activities.module.js';
export * from './application-reconciler.activities.js';
export * from './ledger-probe.activities.js';
export * from './loan-application.activities.js';
export * from './webhook-sender.js';
