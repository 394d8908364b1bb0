/**
 * Signing a webhook the Standard Webhooks way: HMAC-SHA256, keyed with a secret's key, over
 * `<webhook-id>.<webhook-timestamp>.<body>`, written `v1,<base64>`; one signature per secret,
 * space-separated, so an endpoint can rotate its secret without a moment where nothing verifies.
 */
import { createHmac } from 'node:crypto';
import { webhookSecretKey } from './webhook-secret.js';

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** The symmetric (HMAC-SHA256) scheme's version tag. */
export const SIGNATURE_VERSION = 'v1';

/**
 * A webhook id: printable ASCII without spaces (it travels in a header) and without `.`, which
 * delimits the signed content (an id with a dot could be re-split into another id and timestamp).
 */
export const WEBHOOK_ID_PATTERN = /^[\x21-\x2d\x2f-\x7e]{1,256}$/;
/** Unix seconds, written without leading zeros: exactly one spelling per instant is signed. */
export const WEBHOOK_TIMESTAMP_PATTERN = /^(?:0|[1-9][0-9]{0,11})$/;

export interface WebhookToSign {
  /** The event's id, the same on every retry of it. */
  id: string;
  /** When this attempt is made, in Unix seconds. */
  timestamp: number;
  /** The exact bytes sent as the request body. */
  body: string | Uint8Array;
  /** The endpoint's secrets (`whsec_...`), each producing one signature. */
  secrets: readonly string[];
}

/** HMAC-SHA256 of `<id>.<timestamp>.<body>` under `key`: the one computation signer and verifier share. */
export function webhookDigest(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

/** The `webhook-signature` value: `v1,<base64>` for each secret, space-separated. */
export function signWebhook({ id, timestamp, body, secrets }: WebhookToSign): string {
  if (!WEBHOOK_ID_PATTERN.test(id)) {
    throw new TypeError('a webhook id is 1–256 printable ASCII characters without spaces or "."');
  }
  const seconds = String(timestamp);
  if (!Number.isSafeInteger(timestamp) || !WEBHOOK_TIMESTAMP_PATTERN.test(seconds)) {
    throw new TypeError('a webhook timestamp is a whole, non-negative number of Unix seconds');
  }
  if (secrets.length === 0) throw new TypeError('signing a webhook needs at least one secret');
  return secrets
    .map(
      (secret) =>
        `${SIGNATURE_VERSION},${webhookDigest(webhookSecretKey(secret), id, seconds, body).toString('base64')}`,
    )
    .join(' ');
}

/** The three headers a webhook request carries. */
export function webhookHeaders(webhook: WebhookToSign): Record<string, string> {
  return {
    [WEBHOOK_ID_HEADER]: webhook.id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(webhook.timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: signWebhook(webhook),
  };
}
