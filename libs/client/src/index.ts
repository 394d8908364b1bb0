/**
 * lendbridge's typed HTTP client for loan systems and reviewers (`lendbridge/client` in the
 * package). The types are generated from the API's OpenAPI document by `npm run client:generate`.
 */
import { type components } from './api-types.js';

export { type components, type operations, type paths } from './api-types.js';
export { creditReportForm, uploadCreditReport, type CreditReportUpload, type DecisionFields } from './credit-report.js';
export { IDEMPOTENCY_KEY_HEADER, idempotencyKey } from './idempotency.js';
export {
  createLendbridgeClient,
  unwrap,
  type AnswerOf,
  type LendbridgeClient,
  type LendbridgeClientOptions,
} from './lendbridge-client.js';
export { LendbridgeError, problemOf, type Problem } from './problem.js';

/** The API's schemas by name: `Schemas['CreateApplicationDto']`. */
export type Schemas = components['schemas'];
