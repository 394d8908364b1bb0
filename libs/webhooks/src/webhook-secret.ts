/**
 * Standard Webhooks secrets: `whsec_` followed by the standard base64 of a random key. The prefix
 * makes a signing secret recognisable wherever it is pasted; the key is what HMAC uses. The spec
 * asks for 24 to 64 random bytes: shorter keys are guessable, longer ones add nothing to HMAC-SHA256
 * (they are hashed down first).
 */
import { randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_KEY_MIN_BYTES = 24;
export const WEBHOOK_KEY_MAX_BYTES = 64;

/** What a secret must look like, for error messages and configuration docs. */
export const WEBHOOK_SECRET_RULE = `whsec_ followed by the base64 of ${WEBHOOK_KEY_MIN_BYTES}–${WEBHOOK_KEY_MAX_BYTES} random bytes`;

/** A secret that is not `whsec_<base64 of 24–64 bytes>`. The message never quotes the secret. */
export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key of a `whsec_` secret; throws WebhookSecretError for anything else. */
export function webhookSecretKey(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    throw new WebhookSecretError(`a webhook secret must be ${WEBHOOK_SECRET_RULE} (no whsec_ prefix found)`);
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  // Node's decoder skips what is not base64; a typo would silently become another key.
  if (!STANDARD_BASE64.test(encoded)) {
    throw new WebhookSecretError(`a webhook secret must be ${WEBHOOK_SECRET_RULE} (not valid base64)`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < WEBHOOK_KEY_MIN_BYTES || key.length > WEBHOOK_KEY_MAX_BYTES) {
    throw new WebhookSecretError(`a webhook secret must be ${WEBHOOK_SECRET_RULE} (it holds ${key.length} bytes)`);
  }
  return key;
}

/** Whether `secret` is a usable `whsec_` secret. */
export function isWebhookSecret(secret: string): boolean {
  try {
    webhookSecretKey(secret);
    return true;
  } catch {
    return false;
  }
}

/** A new random secret of `bytes` bytes (32 unless told), as an endpoint's owner is given it. */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < WEBHOOK_KEY_MIN_BYTES || bytes > WEBHOOK_KEY_MAX_BYTES) {
    throw new RangeError(`a webhook key has ${WEBHOOK_KEY_MIN_BYTES}–${WEBHOOK_KEY_MAX_BYTES} bytes`);
  }
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(bytes).toString('base64')}`;
}
