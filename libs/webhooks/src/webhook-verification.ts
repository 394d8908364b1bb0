/**
 * Verifying a webhook as a receiver must: all three headers present and well formed, the timestamp
 * within a tolerance of the receiver's clock (a captured request cannot be replayed later), and at
 * least one `v1` signature in the header made with one of the endpoint's secrets (several during a
 * rotation), compared in constant time. Any failure throws WebhookVerificationError naming why.
 */
import { timingSafeEqual } from 'node:crypto';
import { webhookSecretKey, WebhookSecretError } from './webhook-secret.js';
import {
  SIGNATURE_VERSION,
  WEBHOOK_ID_HEADER,
  WEBHOOK_ID_PATTERN,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_TIMESTAMP_PATTERN,
  webhookDigest,
} from './webhook-signature.js';

/** Five minutes either way, as the spec's libraries default to. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** Why a webhook was refused. */
export type WebhookRefusal =
  'missing-header' | 'malformed-header' | 'timestamp-too-old' | 'timestamp-too-new' | 'no-matching-signature';

/** The request is not an authentic, fresh webhook; `reason` says which check failed. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: WebhookRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Headers as Node's http module (`request.headers`), Express, or fetch (`Headers`) give them. */
export type WebhookRequestHeaders =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WebhookToVerify {
  headers: WebhookRequestHeaders;
  /** The raw body exactly as received: a re-serialised JSON object will not verify. */
  body: string | Uint8Array;
  /** The endpoint's secrets (`whsec_...`): during a rotation, the old and the new one. */
  secrets: readonly string[];
  /** How far (in seconds, either way) the timestamp may be from `now`; default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock; default the current time. */
  now?: Date;
}

export interface VerifiedWebhook {
  /** `webhook-id`: the same on every retry of an event; process each id once. */
  id: string;
  /** `webhook-timestamp`: when this attempt was signed, in Unix seconds. */
  timestamp: number;
}

const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/; // base64 of 32 bytes
const SIGNATURE_ENTRY = /^([A-Za-z0-9]+),(\S+)$/;

/** Checks a webhook request; returns its id and timestamp, or throws WebhookVerificationError. */
export function verifyWebhook({
  headers,
  body,
  secrets,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  now = new Date(),
}: WebhookToVerify): VerifiedWebhook {
  // A configuration mistake, not a bad request: checked first, and thrown as such.
  if (secrets.length === 0) throw new WebhookSecretError('verifying a webhook needs at least one secret');
  const keys = secrets.map((secret) => webhookSecretKey(secret));
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError('toleranceSeconds must be a non-negative number');
  }

  const id = header(headers, WEBHOOK_ID_HEADER);
  const timestampText = header(headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatureText = header(headers, WEBHOOK_SIGNATURE_HEADER);
  if (!WEBHOOK_ID_PATTERN.test(id)) {
    throw new WebhookVerificationError(
      'malformed-header',
      `${WEBHOOK_ID_HEADER} must be 1–256 printable ASCII characters without spaces or "."`,
    );
  }
  if (!WEBHOOK_TIMESTAMP_PATTERN.test(timestampText)) {
    throw new WebhookVerificationError('malformed-header', `${WEBHOOK_TIMESTAMP_HEADER} must be Unix seconds`);
  }
  const signatures: Buffer[] = [];
  for (const entry of signatureText.split(' ')) {
    const match = SIGNATURE_ENTRY.exec(entry);
    if (!match) {
      throw new WebhookVerificationError(
        'malformed-header',
        `${WEBHOOK_SIGNATURE_HEADER} must be space-separated <version>,<signature> entries`,
      );
    }
    // Other schemes (v1a, asymmetric) may sit beside ours; they are not ours to check.
    if (match[1] !== SIGNATURE_VERSION) continue;
    if (!V1_SIGNATURE.test(match[2]!)) {
      throw new WebhookVerificationError(
        'malformed-header',
        `${WEBHOOK_SIGNATURE_HEADER}: a v1 signature is the base64 of 32 bytes`,
      );
    }
    signatures.push(Buffer.from(match[2]!, 'base64'));
  }

  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // An invalid clock (new Date('garbage')) would make both window checks false and accept a replay.
  if (!Number.isFinite(nowSeconds)) throw new RangeError('now must be a valid date');
  if (timestamp < nowSeconds - toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp-too-old',
      `${WEBHOOK_TIMESTAMP_HEADER} is ${nowSeconds - timestamp} s old; at most ${toleranceSeconds} s is accepted`,
    );
  }
  if (timestamp > nowSeconds + toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp-too-new',
      `${WEBHOOK_TIMESTAMP_HEADER} is ${timestamp - nowSeconds} s ahead; at most ${toleranceSeconds} s is accepted`,
    );
  }

  // Every pair is compared, match or not: how long this takes says nothing about which one matched.
  let matched = false;
  for (const key of keys) {
    const expected = webhookDigest(key, id, timestampText, body);
    for (const signature of signatures) matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'no-matching-signature',
      signatures.length === 0
        ? `${WEBHOOK_SIGNATURE_HEADER} holds no v1 signature`
        : `no v1 signature in ${WEBHOOK_SIGNATURE_HEADER} was made with this endpoint's secrets`,
    );
  }
  return { id, timestamp };
}

/** One header's value; missing, empty or repeated is refused. Names are matched case-insensitively. */
function header(headers: WebhookRequestHeaders, name: string): string {
  let value: string | readonly string[] | null | undefined;
  if (typeof headers.get === 'function') {
    value = (headers as { get(name: string): string | null }).get(name);
  } else {
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    const keys = Object.keys(record).filter((key) => key.toLowerCase() === name);
    if (keys.length > 1) value = keys.map((key) => String(record[key]));
    else value = keys[0] === undefined ? undefined : record[keys[0]];
  }
  if (value === undefined || value === null || value === '') {
    throw new WebhookVerificationError('missing-header', `the ${name} header is missing`);
  }
  if (typeof value !== 'string') {
    throw new WebhookVerificationError('malformed-header', `the ${name} header appears more than once`);
  }
  return value;
}
