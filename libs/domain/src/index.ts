export * from './ledger-probe.js';
export * from './search-attributes.js';
export * from './verification.js';
