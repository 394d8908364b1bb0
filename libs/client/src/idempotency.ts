/**
 * Retrying a POST safely. Every POST takes an `Idempotency-Key` header: the same key with the same
 * body answers as the first call did (a retry after a timeout lands once), the same key with another
 * body is refused with 422. Keys are scoped to the caller and remembered for a day.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** What the API accepts: 1-255 printable ASCII characters. */
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The header for a call's `headers` option; a new random key when none is given. Keep the key with
 * the request and send both again on retry: `client.POST(path, { body, headers: idempotencyKey(key) })`.
 */
export function idempotencyKey(key: string = crypto.randomUUID()): Record<typeof IDEMPOTENCY_KEY_HEADER, string> {
  if (!KEY.test(key))
    throw new RangeError(`an idempotency key is 1-255 printable ASCII characters, not ${JSON.stringify(key)}`);
  return { [IDEMPOTENCY_KEY_HEADER]: key };
}
