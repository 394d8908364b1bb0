// The one place lendbridge turns reports and evidence into hashes; import from here, not the files.
export * from './canonical-json.js';
export * from './document-kind.js';
export * from './evidence-hash.js';
export * from './report-hash.js';
export * from './request-fingerprint.js';
