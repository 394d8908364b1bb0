// Standard Webhooks for lendbridge: the worker signs with these, a loan system verifies with them.
// Plain functions over node:crypto, no Nest: a bank's host application imports them as they are.
export * from './webhook-secret.js';
export * from './webhook-signature.js';
export * from './webhook-verification.js';
