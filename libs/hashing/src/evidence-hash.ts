/**
 * Salted hashes for consent and decision evidence anchored on chain. Such evidence is low in entropy
 * (a few known fields, a date, a yes/no), so a bare hash could be reversed by trying every candidate;
 * a secret 32-byte salt, kept off chain by whoever must later prove the evidence, makes that infeasible.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { isHex32 } from '#domain/hex';
import { canonicalizeJson } from './canonical-json.js';

export const EVIDENCE_HASH_SCHEME = 'sha256-salted-jcs-v1';

export interface SealedEvidence {
  scheme: typeof EVIDENCE_HASH_SCHEME;
  /** 64 lowercase hex characters: the value that goes on chain. */
  hash: string;
  /** 64 lowercase hex characters: stays off chain with the party that must prove the evidence. */
  salt: string;
}

export function newEvidenceSalt(): string {
  return randomBytes(32).toString('hex');
}

/** SHA-256(salt bytes ‖ UTF-8 of the RFC 8785 form), so key order in the evidence never changes the hash. */
export function hashEvidence(evidence: unknown, saltHex: string): string {
  // A short or malformed salt would quietly weaken the protection, so refuse rather than hash.
  if (!isHex32(saltHex)) {
    throw new TypeError('Evidence salt must be 32 bytes written as 64 lowercase hex characters');
  }
  return createHash('sha256')
    .update(Buffer.from(saltHex, 'hex'))
    .update(canonicalizeJson(evidence), 'utf8')
    .digest('hex');
}

export function sealEvidence(evidence: unknown): SealedEvidence {
  const salt = newEvidenceSalt();
  return { scheme: EVIDENCE_HASH_SCHEME, hash: hashEvidence(evidence, salt), salt };
}

/**
 * The application reference recorded on chain next to evidence: an HMAC of the workflow id under a
 * key only the lender holds. A plain hash of a guessable id (a tenant and a loan number) could be
 * brute-forced to link an application's consent and decision on the public ledger.
 */
export function applicationReference(workflowId: string, keyHex: string): string {
  if (!isHex32(keyHex)) throw new Error('the application reference key must be 64 lowercase hex characters');
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(workflowId, 'utf8').digest('hex');
}

/**
 * The salt of a piece of evidence, derived from a seed the workflow drew: the same seed gives the
 * same salt on every retry, and without the lender's key nobody can compute it, even knowing the
 * seed (workflow randomness is replayable, so a seed alone is guessable).
 */
export function evidenceSalt(seed: string, keyHex: string): string {
  if (!isHex32(keyHex)) throw new Error('the evidence key must be 64 lowercase hex characters');
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(`evidence-salt:${seed}`, 'utf8').digest('hex');
}
