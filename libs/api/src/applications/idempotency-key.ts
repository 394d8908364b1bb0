/**
 * The `Idempotency-Key` request header every POST accepts. The same key with the same body answers
 * as the first call did (a retry after a timeout lands once); the same key with another body is
 * refused with 422. Keys are scoped to the caller and remembered by the application for a day.
 */
import type { Request } from 'express';
import { invalidRequest } from '../problem/problem.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKeyOf(request: Request): string | undefined {
  const value = request.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw invalidRequest([
      { field: `header.${IDEMPOTENCY_KEY_HEADER}`, message: 'must be 1-255 printable ASCII characters, sent once' },
    ]);
  }
  return value;
}

/** The key with the request it keys, for ApplicationWorkflows.act. */
export function idempotentRequest(request: Request, body: unknown): { key: string; request: unknown } | undefined {
  const key = idempotencyKeyOf(request);
  return key === undefined ? undefined : { key, request: body };
}
