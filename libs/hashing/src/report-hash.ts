/**
 * Identity of a credit report: the SHA-256 of its bytes, tagged with the scheme that produced it so a
 * verifier knows which bytes to hash. Reports are hashed in memory only (streamed chunk by chunk for
 * uploads) and never written out; this module also owns the conversion between the API's hex form and
 * the ledger's bytes32 form, so both sides cannot drift apart.
 */
import { createHash } from 'node:crypto';
import { HASH_SCHEMES, type HashScheme } from '#domain/hash-schemes';
import { isBytes32AnyCase, isHex32 } from '#domain/hex';
import { canonicalizeJson } from './canonical-json.js';
import { decodeReportJson, parseReportJson, refuseInexactIntegers } from './report-json.js';

export const REPORT_HASH_SCHEMES = HASH_SCHEMES;
export type ReportHashScheme = HashScheme;

export interface ReportHash {
  scheme: ReportHashScheme;
  /** 64 lowercase hex characters. */
  hash: string;
}

export interface ReportHasher {
  update(chunk: Uint8Array): void;
  digest(): ReportHash;
}

/** sha256-raw-v1: the exact bytes delivered (a PDF, say), with no decoding or normalization. */
export function hashReportBytes(bytes: Uint8Array): ReportHash {
  return { scheme: 'sha256-raw-v1', hash: createHash('sha256').update(bytes).digest('hex') };
}

/** sha256-raw-v1 over a stream: feed chunks as they arrive, so an upload never has to be buffered whole. */
export function createReportHasher(): ReportHasher {
  const hash = createHash('sha256');
  let finished = false;
  const ensureOpen = (action: string): void => {
    if (finished) throw new Error(`Report hasher already digested; cannot ${action}`);
  };
  return {
    update(chunk: Uint8Array): void {
      ensureOpen('update');
      hash.update(chunk);
    },
    digest(): ReportHash {
      ensureOpen('digest again');
      finished = true;
      return { scheme: 'sha256-raw-v1', hash: hash.digest('hex') };
    },
  };
}

/**
 * sha256-jcs-v1: a JSON report is identified by its content, not its formatting, so two providers
 * sending the same report with different key order or whitespace agree on the hash.
 * A string argument is taken as the JSON text of the report and read strictly (see report-json.ts);
 * anything else as parsed JSON, where repeated keys can no longer be seen, so prefer text or bytes.
 * Text is already decoded, so a leading U+FEFF here is not a byte order mark but invalid JSON.
 */
export function hashJsonReport(json: unknown): ReportHash {
  const value = typeof json === 'string' ? parseReportJson(json) : json;
  const canonical = canonicalizeJson(value);
  // Checked on parsed values too, so a caller who ran JSON.parse itself cannot bring a rounded integer past.
  refuseInexactIntegers(value);
  return { scheme: 'sha256-jcs-v1', hash: createHash('sha256').update(canonical, 'utf8').digest('hex') };
}

/** sha256-jcs-v1 for a report file's bytes: strict UTF-8 (one leading BOM ignored), then hashJsonReport. */
export function hashJsonReportBytes(bytes: Uint8Array): ReportHash {
  return hashJsonReport(decodeReportJson(bytes));
}

export function isReportHashHex(value: unknown): value is string {
  return isHex32(value);
}

/** API hex → on-chain bytes32. Strict on input so one report can never map to two spellings. */
export function toBytes32(hex: string): string {
  if (!isReportHashHex(hex)) {
    throw new TypeError('Expected a report hash of 64 lowercase hex characters');
  }
  return `0x${hex}`;
}

/** On-chain bytes32 → API hex. Lenient about case because EVM tooling varies, strict about everything else. */
export function fromBytes32(bytes32: string): string {
  if (!isBytes32AnyCase(bytes32)) {
    throw new TypeError('Expected a bytes32 value: 0x followed by 64 hex characters');
  }
  return bytes32.slice(2).toLowerCase();
}
