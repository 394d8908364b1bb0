import { createHash } from 'node:crypto';
import { canonicalizeJson } from './canonical-json.js';

/**
 * SHA-256 of a request's canonical JSON: two requests that mean the same (key order, whitespace)
 * share a fingerprint. Lets a retried create be told apart from a different body under the same id.
 */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalizeJson(request), 'utf8').digest('hex');
}
