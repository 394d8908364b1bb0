export * from './application-activities.js';
export * from './application-messages.js';
export * from './application.js';
export * from './credit-policy.js';
export * from './ledger-probe.js';
export * from './money.js';
export * from './search-attributes.js';
export * from './verification.js';
