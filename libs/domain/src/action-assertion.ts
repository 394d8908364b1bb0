/**
 * Proof that a human action (consent, report, claim, decision, ...) came through lendbridge's API
 * from the identity its token named. The API signs every update it sends with an Ed25519 key only
 * it holds; the workflow checks the signature with the public keys the worker was configured with,
 * before the update is accepted. Access to Temporal or to the payload codec is therefore not enough
 * to produce a review decision: a payload encrypted by hand carries no valid assertion.
 *
 * The assertion is a compact JWS (RFC 7515, alg EdDSA) binding the action to one application, one
 * update name, one update id (so it is single-use: Temporal runs an update id once, and the workflow
 * remembers recent ids across continue-as-new) and the SHA-256 of the action's content.
 *
 * Pure: runs in the workflow sandbox and in the API alike (no Node built-ins).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalizeJson } from '#hashing/canonical-json';

/** How long an assertion is accepted after the API signed it. */
export const ACTION_ASSERTION_TTL_SECONDS = 300;
/** Clock difference forgiven between the API's host and Temporal's workflow time. */
export const ACTION_CLOCK_SKEW_SECONDS = 60;
const TYPE = 'lendbridge-action+jws';

/** What one assertion is valid for. */
export interface ActionBinding {
  workflowId: string;
  update: string;
  updateId: string;
  /** {@link actionDigest} of the update's argument without its `assertion`. */
  digest: string;
}

export interface ActionSigningKey {
  keyId: string;
  /** Ed25519 secret key (32-byte seed). */
  secretKey: Uint8Array;
}

/** Public keys by key id, as the worker is configured with them. */
export type ActionVerifyKeys = Readonly<Record<string, Uint8Array>>;

interface Claims {
  wid: string;
  upd: string;
  uid: string;
  act: string;
  iat: number;
  exp: number;
}

/**
 * The SHA-256 (hex) of an action's content in RFC 8785 canonical JSON. Taken over the value as it
 * travels (a JSON round trip drops undefined members), so the API and the workflow agree.
 */
export function actionDigest(content: unknown): string {
  const asSent = JSON.parse(JSON.stringify(content)) as unknown;
  return bytesToHex(sha256(utf8ToBytes(canonicalizeJson(asSent))));
}

export function signActionAssertion(binding: ActionBinding, key: ActionSigningKey, nowSeconds: number): string {
  const header = { alg: 'EdDSA', typ: TYPE, kid: key.keyId };
  const claims: Claims = {
    wid: binding.workflowId,
    upd: binding.update,
    uid: binding.updateId,
    act: binding.digest,
    iat: nowSeconds,
    exp: nowSeconds + ACTION_ASSERTION_TTL_SECONDS,
  };
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  const signature = ed25519.sign(utf8ToBytes(signingInput), key.secretKey);
  return `${signingInput}.${base64UrlEncode(signature)}`;
}

/**
 * Why an assertion does not authorise this action, or undefined when it does. The message names
 * the failed check only; it never echoes the token.
 */
export function actionAssertionProblem(
  token: unknown,
  keys: ActionVerifyKeys,
  expected: ActionBinding,
  nowSeconds: number,
): string | undefined {
  if (typeof token !== 'string' || token === '' || token.length > 4096) {
    return 'the action carries no assertion from the API';
  }
  const parts = token.split('.');
  if (parts.length !== 3) return 'the action assertion is malformed';
  const [encodedHeader = '', encodedClaims = '', encodedSignature = ''] = parts;
  const header = decodeJson(encodedHeader);
  const claims = decodeJson(encodedClaims);
  const signature = base64UrlDecode(encodedSignature);
  if (!isRecord(header) || !isRecord(claims) || !signature) return 'the action assertion is malformed';
  if (header.alg !== 'EdDSA' || header.typ !== TYPE) return 'the action assertion is not a lendbridge action';
  const key = typeof header.kid === 'string' && Object.hasOwn(keys, header.kid) ? keys[header.kid] : undefined;
  if (!key) return 'the action assertion was signed with a key this worker does not trust';
  if (!signatureHolds(signature, `${encodedHeader}.${encodedClaims}`, key)) {
    return 'the action assertion signature is invalid';
  }
  if (claims.wid !== expected.workflowId) return 'the action assertion is for another application';
  if (claims.upd !== expected.update) return 'the action assertion is for another action';
  if (claims.uid !== expected.updateId) return 'the action assertion was issued for another request';
  if (claims.act !== expected.digest) return 'the action does not match its assertion';
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'the action assertion is malformed';
  if (claims.iat > nowSeconds + ACTION_CLOCK_SKEW_SECONDS) return 'the action assertion is not valid yet';
  if (claims.exp + ACTION_CLOCK_SKEW_SECONDS < nowSeconds) return 'the action assertion has expired';
  return undefined;
}

/** Strict RFC 8032 verification: no malleable or small-order encodings; a malformed key or signature fails. */
function signatureHolds(signature: Uint8Array, signingInput: string, key: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, utf8ToBytes(signingInput), key, { zip215: false });
  } catch {
    return false;
  }
}

/** The expiry (unix seconds) an assertion claims, for remembering its update id that long; 0 if unreadable. */
export function actionAssertionExpiry(token: unknown): number {
  if (typeof token !== 'string') return 0;
  const claims = decodeJson(token.split('.')[1] ?? '');
  return isRecord(claims) && typeof claims.exp === 'number' ? claims.exp : 0;
}

/** The Ed25519 public key of a signing key, for the workers' configuration. */
export function actionPublicKey(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

/** A new signing key (for development stacks and tests). */
export function newActionSigningKey(keyId: string): ActionSigningKey {
  return { keyId, secretKey: ed25519.utils.randomSecretKey() };
}

/** `<key id>:<base64url 32 bytes>` pairs, comma-separated; undefined when one is malformed. */
export function parseActionKeys(text: string): Record<string, Uint8Array> | undefined {
  const keys: Record<string, Uint8Array> = {};
  for (const entry of text.split(',')) {
    const match = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9_-]{43})$/.exec(entry.trim());
    const bytes = match && base64UrlDecode(match[2]!);
    if (!match || !bytes || bytes.length !== 32 || Object.hasOwn(keys, match[1]!)) return undefined;
    keys[match[1]!] = bytes;
  }
  return keys;
}

/** Writes keys in the form {@link parseActionKeys} reads. */
export function formatActionKeys(keys: Record<string, Uint8Array>): string {
  return Object.entries(keys)
    .map(([keyId, bytes]) => `${keyId}:${base64UrlEncode(bytes)}`)
    .join(',');
}

function base64UrlJson(value: object): string {
  return base64UrlEncode(utf8ToBytes(JSON.stringify(value)));
}

function decodeJson(text: string): unknown {
  const bytes = base64UrlDecode(text);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c++) out += ALPHABET[(chunk >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** Unpadded base64url only (as JWS writes it); undefined for anything else. */
function base64UrlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text) {
    value = (value << 6) | ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 255;
    }
  }
  // Non-zero leftover bits mean a second encoding of the same bytes: refuse it (no malleability).
  if ((value & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
