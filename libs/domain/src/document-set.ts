/**
 * An application's document set: the documents its requirement names (document-requirements.ts),
 * each with its current version, and pure transitions for what happens to them. Documents are
 * submitted and verified one by one, in any order; review starts when every required document has
 * a VERIFIED current version (or the deadline passes, missingAt naming what is missing); a reviewer
 * may ask for a new version of one document, which alone goes back to awaiting; a revocation seen
 * during review takes one document out of the set.
 *
 * The state is plain JSON (it lives in workflow state), kept in the requirement's order, so the
 * same submissions and verdicts reach the same state whatever their order. Every transition returns
 * a new state and leaves its input untouched; a refusal returns problems and no state (nothing
 * changes). Deterministic: times come in from the caller (workflow time), never from a clock.
 */
import { type Direction } from './application.js';
import {
  parseDocumentFields,
  DEFAULT_DOCUMENT_CATALOGUE,
  type DocumentCatalogue,
  type DocumentFields,
} from './document-catalogue.js';
import { documentConsentProblem, type DocumentConsentGrant } from './document-consent.js';
import { type ApplicantType } from './document-kinds.js';
import {
  requirementFor,
  resolveRequirement,
  type DocumentRequirement,
  type DocumentSubject,
  type RequiredDocument,
} from './document-requirements.js';
import { isPlainRecord, type InputProblem } from './field-names.js';
import { HASH_SCHEMES, isHashScheme, type HashScheme } from './hash-schemes.js';
import { isAddressAnyCase, isBytes32, isSha256Hex, sameAddress } from './hex.js';
import { Verdict, type VerificationReceipt } from './verification.js';

export const DocumentStatus = {
  /** Nothing submitted yet, or a reviewer asked for a new version. */
  AWAITING: 'AWAITING',
  /** The current version waits for its verification. */
  SUBMITTED: 'SUBMITTED',
  VERIFIED: 'VERIFIED',
  /** The current version's verification concluded otherwise (see its verdict and detail). */
  NOT_VERIFIED: 'NOT_VERIFIED',
  /** Verified once, then revoked by its issuer. */
  REVOKED: 'REVOKED',
} as const;
export type DocumentStatus = (typeof DocumentStatus)[keyof typeof DocumentStatus];

export interface DocumentVersion {
  /** 1 for the key's first submission, +1 for each later one. */
  version: number;
  /** SHA-256 of the document's bytes (64 lowercase hex): the bytes themselves never reach here. */
  documentHash: string;
  /** The issuer the loan system names (lowercase 0x address); the ledger must agree. */
  issuer: string;
  fields: DocumentFields;
  /** Set when the issuer anchored the document in a Merkle batch (a bank's month of statements). */
  batch?: DocumentBatchProof;
  /** How the file became `documentHash`, when the submission said (always for an uploaded file). */
  scheme?: HashScheme;
  submittedAt: string;
  verification?: { verdict: Verdict; at: string; detail?: string; receipt?: VerificationReceipt };
  revocation?: { at: string; detail?: string };
}

export interface DocumentEntry extends RequiredDocument {
  status: DocumentStatus;
  /** Versions submitted so far for this key. */
  versions: number;
  current?: DocumentVersion;
  /** Set while a reviewer's request for a new version is open. */
  newVersionRequested?: { reason: string; at: string; replacedVersion: number; replacedHash: string };
}

/** Why a hash left the set for good. */
export type RetiredReason = 'replaced' | 'revoked';

/** A hash that may never come back into the set, under any key. */
export interface RetiredHash {
  documentHash: string;
  /** The key it was submitted under. */
  documentKey: string;
  /** `replaced`: a reviewer asked for a new version of it; `revoked`: its issuer revoked it. */
  reason: RetiredReason;
}

export interface DocumentSet {
  documents: DocumentEntry[];
  /**
   * Hashes retired from the application: replaced at a reviewer's request or revoked (a revocation
   * seen, or a REVOKED verdict). None of them is accepted again, under any key. Absent until the
   * first one (sets stored before it existed read as none).
   */
  retired?: RetiredHash[];
}

/** What the transitions check a document against. */
export interface DocumentSetContext {
  /** Workflow time of the transition (ISO 8601). */
  at: string;
  direction: Direction;
  consent: DocumentConsentGrant | undefined;
  /** The standard catalogue when absent. */
  catalogue?: DocumentCatalogue;
}

/** Bound on versions per document: a document is replaced a few times, not without end. */
export const MAX_VERSIONS_PER_DOCUMENT = 20;
export const NEW_VERSION_REASON_MAX_LENGTH = 500;

export type DocumentSetChange = { ok: true; set: DocumentSet } | { ok: false; problems: InputProblem[] };
/** Results from elsewhere (the ledger, a revocation watcher) are applied or ignored, never refused. */
export interface DocumentSetUpdate {
  set: DocumentSet;
  applied: boolean;
  /** Why a result was ignored. */
  ignored?: string;
}

export function createDocumentSet(documents: readonly RequiredDocument[]): DocumentSet {
  return {
    documents: documents.map((d) => ({
      key: d.key,
      slot: d.slot,
      kind: d.kind,
      subject: d.subject,
      ...(d.month !== undefined && { month: d.month }),
      status: DocumentStatus.AWAITING,
      versions: 0,
    })),
  };
}

export type DocumentSetCreation = { ok: true; set: DocumentSet } | { ok: false; problem: InputProblem };

/** The empty set an application starts with, or the problem the API answers at creation. */
export function documentSetFor(
  requirements: readonly DocumentRequirement[],
  application: { product: string; applicantType: ApplicantType; direction: Direction; createdAt: string },
): DocumentSetCreation {
  const found = requirementFor(requirements, application);
  if (!found.ok) return found;
  const resolved = resolveRequirement(found.requirement, application.createdAt);
  return resolved.ok ? { ok: true, set: createDocumentSet(resolved.documents) } : resolved;
}

function entryOf(set: DocumentSet, key: unknown): DocumentEntry | undefined {
  return typeof key === 'string' ? set.documents.find((d) => d.key === key) : undefined;
}

function replaceEntry(set: DocumentSet, entry: DocumentEntry, retire?: RetiredHash): DocumentSet {
  const documents = set.documents.map((d) => (d.key === entry.key ? entry : d));
  const retired = Array.isArray(set.retired) ? set.retired : [];
  if (!retire || retired.some((r) => r.documentHash === retire.documentHash)) return { ...set, documents };
  return { ...set, documents, retired: [...retired, retire] };
}

function retiredAs(set: DocumentSet, documentHash: string): RetiredHash | undefined {
  return Array.isArray(set.retired) ? set.retired.find((r) => r?.documentHash === documentHash) : undefined;
}

const refused = (field: string, message: string): DocumentSetChange => ({
  ok: false,
  problems: [{ field, message }],
});

/** Where a document sits in the Merkle batch its issuer anchored: the root and the proof (bytes32 hex). */
export interface DocumentBatchProof {
  merkleRoot: string;
  proof: string[];
}

/** Bound on a proof's length: 64 levels is more documents than any batch holds. */
export const MAX_BATCH_PROOF_LENGTH = 64;

/** What the loan system submits for one document: its hash, its issuer and its decision fields. */
export interface DocumentSubmission {
  documentKey: string;
  /** When given, must be the kind the key requires. */
  kind?: string;
  documentHash: string;
  issuer: string;
  fields: unknown;
  /** When the issuer anchored the document in a batch. */
  batch?: DocumentBatchProof;
  /** How the file became `documentHash`: recorded with the version, for whoever checks it later. */
  scheme?: HashScheme;
}

function batchProblem(batch: unknown): DocumentSetChange | undefined {
  if (batch === undefined) return undefined;
  if (!isPlainRecord(batch) || Object.keys(batch).some((k) => k !== 'merkleRoot' && k !== 'proof'))
    return refused('batch', 'must be an object with merkleRoot and proof');
  if (!isBytes32(batch.merkleRoot)) return refused('batch.merkleRoot', 'must be 0x and 64 lowercase hex characters');
  if (
    !Array.isArray(batch.proof) ||
    batch.proof.length > MAX_BATCH_PROOF_LENGTH ||
    !batch.proof.every((element) => isBytes32(element))
  )
    return refused(
      'batch.proof',
      `must be a list of at most ${MAX_BATCH_PROOF_LENGTH} elements, each 0x and 64 lowercase hex characters`,
    );
  return undefined;
}

/**
 * Adds a version of one required document. Refused, with the field at fault and nothing changed,
 * when the key is not required, the submission is malformed, the document is outside the consent,
 * its hash is already another document of the set or was retired from the set (any version a
 * reviewer asked to replace, or a revoked one, under any key), or its current version is verified and no reviewer asked for a new one. A version still awaiting
 * its verification, not verified or revoked may be replaced (the new version supersedes it). The
 * very same submission again while its version is awaiting verification or verified (a retry)
 * changes nothing and is not refused.
 */
export function submitDocument(
  set: DocumentSet,
  submission: DocumentSubmission,
  context: DocumentSetContext,
): DocumentSetChange {
  const s = (typeof submission === 'object' && submission !== null ? submission : {}) as Partial<
    Record<keyof DocumentSubmission, unknown>
  >;
  const entry = entryOf(set, s.documentKey);
  if (!entry) return refused('documentKey', 'is not a document this application requires');
  if (s.kind !== undefined && s.kind !== entry.kind) return refused('kind', 'is not the kind this document must be');
  if (!isSha256Hex(s.documentHash))
    return refused('documentHash', 'must be a SHA-256 digest, 64 lowercase hex characters');
  if (!isAddressAnyCase(s.issuer)) return refused('issuer', 'must be a 0x-prefixed 20-byte address');
  if (s.scheme !== undefined && !isHashScheme(s.scheme))
    return refused('scheme', `must be one of ${HASH_SCHEMES.join(', ')}`);
  const badBatch = batchProblem(s.batch);
  if (badBatch) return badBatch;
  const batch = s.batch as DocumentBatchProof | undefined;
  const issuer = s.issuer.toLowerCase();
  const catalogue = context.catalogue ?? DEFAULT_DOCUMENT_CATALOGUE;
  const parsed = parseDocumentFields(catalogue, entry.kind, s.fields);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  if (entry.month !== undefined && parsed.fields.month !== undefined && parsed.fields.month !== entry.month)
    return refused('fields.month', 'is not the month this document is required for');

  const current = entry.current;
  // A retry of the current version: nothing changes, nothing doubles.
  if (
    current &&
    (entry.status === DocumentStatus.SUBMITTED || entry.status === DocumentStatus.VERIFIED) &&
    current.documentHash === s.documentHash &&
    current.issuer === issuer &&
    JSON.stringify(current.fields) === JSON.stringify(parsed.fields) &&
    JSON.stringify(current.batch) === JSON.stringify(batch && { merkleRoot: batch.merkleRoot, proof: batch.proof })
  ) {
    // A retry may say the scheme or not (a file upload retried as its hash); one that names another
    // scheme for the very same hash contradicts the version, and is refused rather than doubled.
    if (current.scheme !== undefined && s.scheme !== undefined && current.scheme !== s.scheme)
      return refused('scheme', 'is not the scheme this version was submitted with');
    return { ok: true, set };
  }
  if (entry.status === DocumentStatus.VERIFIED)
    return refused('documentKey', 'is verified; a new version is accepted only when a reviewer asks for one');
  // A hash retired from the application never comes back, under this key or any other.
  const retired =
    entry.newVersionRequested?.replacedHash === s.documentHash
      ? 'replaced'
      : entry.status === DocumentStatus.REVOKED && current?.documentHash === s.documentHash
        ? 'revoked'
        : retiredAs(set, s.documentHash)?.reason;
  if (retired === 'replaced')
    return refused('documentHash', 'is a version a reviewer asked to replace: it cannot be submitted again');
  if (retired === 'revoked') return refused('documentHash', 'was revoked by its issuer');
  if (set.documents.some((d) => d.key !== entry.key && d.current?.documentHash === s.documentHash))
    return refused('documentHash', 'is already another document of this application');
  if (entry.versions >= MAX_VERSIONS_PER_DOCUMENT)
    return refused('documentKey', `has had ${MAX_VERSIONS_PER_DOCUMENT} versions, the most a document may have`);
  const outside = documentConsentProblem(context.consent, entry.key, entry.kind, issuer, {
    ...context,
    catalogue,
    subject: entry.subject,
  });
  if (outside) return refused('consent', outside);

  const version: DocumentVersion = {
    version: entry.versions + 1,
    documentHash: s.documentHash,
    issuer,
    fields: parsed.fields,
    ...(batch && { batch: { merkleRoot: batch.merkleRoot, proof: [...batch.proof] } }),
    ...(s.scheme !== undefined && { scheme: s.scheme }),
    submittedAt: context.at,
  };
  const { newVersionRequested: _closed, ...rest } = entry;
  return {
    ok: true,
    set: replaceEntry(set, { ...rest, status: DocumentStatus.SUBMITTED, versions: version.version, current: version }),
  };
}

/** A verification's outcome for one version of one document. */
export interface DocumentVerificationResult {
  documentKey: string;
  /** The version verified: a result for any other than the current one is ignored. */
  version: number;
  verdict: Verdict;
  detail?: string;
  receipt?: VerificationReceipt;
  /**
   * The issuer the ledger says anchored it; when absent, the receipt's `anchor.issuer`. Must be the
   * one submitted (case-insensitively) and within consent.
   */
  anchorIssuer?: string;
}

const VERDICTS: readonly string[] = Object.values(Verdict);

/**
 * Why a VERIFIED verdict does not count, as the verdict and detail recorded instead; undefined when
 * it counts: a receipt with an anchor for this hash, anchored by the issuer submitted (the result's
 * `anchorIssuer`, else the receipt's anchor's issuer; both, when given, must agree), and the consent
 * still covering the document. A consent problem keeps UNTRUSTED_ISSUER (no verdict names consent)
 * with a detail starting `outside the consent:`.
 */
function verifiedOverruled(
  entry: DocumentEntry,
  current: DocumentVersion,
  result: DocumentVerificationResult,
  context: DocumentSetContext,
): { verdict: Verdict; detail: string } | undefined {
  const anchor = result.receipt?.anchor;
  if (typeof anchor !== 'object' || anchor === null)
    return { verdict: Verdict.NOT_ANCHORED, detail: 'VERIFIED without a receipt naming its anchor: not counted' };
  const receiptIssuer: unknown = anchor.issuer;
  const anchorIssuer: unknown = result.anchorIssuer ?? receiptIssuer;
  if (!isAddressAnyCase(anchorIssuer))
    return { verdict: Verdict.UNTRUSTED_ISSUER, detail: 'the anchoring issuer is unknown' };
  if (!sameAddress(anchorIssuer, receiptIssuer))
    return { verdict: Verdict.UNTRUSTED_ISSUER, detail: "the receipt's anchor names another issuer than the result" };
  if (!sameAddress(anchorIssuer, current.issuer))
    return { verdict: Verdict.UNTRUSTED_ISSUER, detail: 'anchored by another issuer than the one submitted' };
  const outside = documentConsentProblem(context.consent, entry.key, entry.kind, current.issuer, {
    ...context,
    subject: entry.subject,
  });
  return outside ? { verdict: Verdict.UNTRUSTED_ISSUER, detail: `outside the consent: ${outside}` } : undefined;
}

/**
 * Records a verification. Only the current version's first result counts: a late result for a
 * replaced version, a repeat, or a result for an unknown key is ignored (and says why). A VERIFIED
 * verdict counts only with a receipt whose anchor is for this hash, anchored by the issuer submitted
 * (compared case-insensitively), and if the consent still covers the document at this moment;
 * otherwise the document is NOT_VERIFIED with the reason (verifiedOverruled).
 */
export function recordVerification(
  set: DocumentSet,
  result: DocumentVerificationResult,
  context: DocumentSetContext,
): DocumentSetUpdate {
  const entry = entryOf(set, result?.documentKey);
  if (!entry) return { set, applied: false, ignored: 'not a document this application requires' };
  const current = entry.current;
  if (!current || current.version !== result.version)
    return { set, applied: false, ignored: 'not the current version of the document' };
  if (entry.status !== DocumentStatus.SUBMITTED)
    return { set, applied: false, ignored: 'the current version is no longer awaiting verification' };
  if (!VERDICTS.includes(result.verdict)) return { set, applied: false, ignored: 'not a verdict' };
  // The document verified is the document decided on: a receipt for another hash is not this version's.
  if (result.receipt !== undefined && result.receipt?.reportHash !== current.documentHash)
    return { set, applied: false, ignored: "the receipt is for another document's hash" };

  let verdict = result.verdict;
  let detail = result.detail;
  if (verdict === Verdict.VERIFIED) {
    const overruled = verifiedOverruled(entry, current, result, context);
    if (overruled) ({ verdict, detail } = overruled);
  }
  const verification = {
    verdict,
    at: context.at,
    ...(detail !== undefined && { detail }),
    ...(result.receipt !== undefined && { receipt: result.receipt }),
  };
  const status = verdict === Verdict.VERIFIED ? DocumentStatus.VERIFIED : DocumentStatus.NOT_VERIFIED;
  // The ledger says the issuer revoked it: the hash is retired like a revocation seen later.
  const retire =
    verdict === Verdict.REVOKED
      ? { documentHash: current.documentHash, documentKey: entry.key, reason: 'revoked' as const }
      : undefined;
  return { set: replaceEntry(set, { ...entry, status, current: { ...current, verification } }, retire), applied: true };
}

/**
 * A reviewer asks for a new version of one document: it alone goes back to AWAITING, its current
 * version stops counting, every other document stays as it is. Refused when the key is not
 * required, nothing was submitted for it, or the reason is empty or too long.
 */
export function requestNewVersion(
  set: DocumentSet,
  documentKey: string,
  reason: string,
  at: string,
): DocumentSetChange {
  const entry = entryOf(set, documentKey);
  if (!entry) return refused('documentKey', 'is not a document this application requires');
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > NEW_VERSION_REASON_MAX_LENGTH)
    return refused('reason', `must be text of 1 to ${NEW_VERSION_REASON_MAX_LENGTH} characters`);
  const current = entry.current;
  if (entry.newVersionRequested) return refused('documentKey', 'a new version was already asked for');
  if (!current || entry.status === DocumentStatus.AWAITING)
    return refused('documentKey', 'has no version to replace yet');
  const { current: _replaced, ...rest } = entry;
  return {
    ok: true,
    set: replaceEntry(
      set,
      {
        ...rest,
        status: DocumentStatus.AWAITING,
        newVersionRequested: { reason, at, replacedVersion: current.version, replacedHash: current.documentHash },
      },
      { documentHash: current.documentHash, documentKey: entry.key, reason: 'replaced' },
    ),
  };
}

/**
 * A revocation of one document seen (e.g. re-verifying during review): its current version is
 * REVOKED and the set is no longer complete. `documentHash` is required: ignored when it is missing
 * or names another version than the current one (the revoked one was already replaced), or when the
 * key is unknown or nothing is current.
 */
export function revoke(
  set: DocumentSet,
  revocation: { documentKey: string; documentHash: string; at: string; detail?: string },
): DocumentSetUpdate {
  const entry = entryOf(set, revocation?.documentKey);
  if (!entry) return { set, applied: false, ignored: 'not a document this application requires' };
  const current = entry.current;
  if (!current || entry.status === DocumentStatus.AWAITING)
    return { set, applied: false, ignored: 'no current version' };
  // The revocation names the hash it revokes: one without a hash would hit whatever version is current.
  if (!isSha256Hex(revocation.documentHash))
    return { set, applied: false, ignored: 'a revocation must name the hash it revokes' };
  if (revocation.documentHash !== current.documentHash)
    return { set, applied: false, ignored: 'not the current version of the document' };
  if (entry.status === DocumentStatus.REVOKED) return { set, applied: false, ignored: 'already revoked' };
  const revoked = { at: revocation.at, ...(revocation.detail !== undefined && { detail: revocation.detail }) };
  return {
    set: replaceEntry(
      set,
      { ...entry, status: DocumentStatus.REVOKED, current: { ...current, revocation: revoked } },
      { documentHash: current.documentHash, documentKey: entry.key, reason: 'revoked' },
    ),
    applied: true,
  };
}

/** Complete: every required document has a VERIFIED current version. */
export function isComplete(set: DocumentSet): boolean {
  return set.documents.length > 0 && set.documents.every((d) => d.status === DocumentStatus.VERIFIED);
}

export interface MissingDocument {
  key: string;
  kind: string;
  status: DocumentStatus;
  /** In words a reviewer or the loan system can act on. */
  reason: string;
}

function missingReason(entry: DocumentEntry): string {
  switch (entry.status) {
    case DocumentStatus.AWAITING:
      return entry.newVersionRequested ? 'a reviewer asked for a new version' : 'not submitted';
    case DocumentStatus.SUBMITTED:
      return 'awaiting verification';
    case DocumentStatus.NOT_VERIFIED:
      return `not verified (${entry.current?.verification?.verdict ?? 'no verdict'})`;
    case DocumentStatus.REVOKED:
      return 'revoked by its issuer';
    case DocumentStatus.VERIFIED:
      return 'verified after the deadline';
  }
}

/**
 * The documents that were not verified by `deadline` (ISO 8601): what an expiry names. A document
 * verified after the deadline counts as missing at it.
 */
export function missingAt(set: DocumentSet, deadline: string): MissingDocument[] {
  const limit = Date.parse(deadline);
  return set.documents
    .filter(
      (d) => d.status !== DocumentStatus.VERIFIED || !(Date.parse(d.current?.verification?.at ?? '') <= limit), // NaN (bad times) counts as missing
    )
    .map((d) => ({ key: d.key, kind: d.kind, status: d.status, reason: missingReason(d) }));
}

/** Current versions the consent no longer covers at `context.at` (revoked or expired consent, narrowed scope). */
export function documentsOutsideConsent(
  set: DocumentSet,
  context: DocumentSetContext,
): { key: string; reason: string }[] {
  return set.documents.flatMap((d) => {
    if (!d.current || d.status === DocumentStatus.AWAITING) return [];
    const reason = documentConsentProblem(context.consent, d.key, d.kind, d.current.issuer, {
      ...context,
      subject: d.subject,
    });
    return reason ? [{ key: d.key, reason }] : [];
  });
}

/** Review may start: the set is complete and the consent still covers every document now. */
export function isReadyForReview(set: DocumentSet, context: DocumentSetContext): boolean {
  return isComplete(set) && documentsOutsideConsent(set, context).length === 0;
}

/** The current version of each verified document, in the requirement's order: what the policy decides on. */
export function verifiedDocuments(set: DocumentSet): (DocumentEntry & { current: DocumentVersion })[] {
  return set.documents.filter(
    (d): d is DocumentEntry & { current: DocumentVersion } => d.status === DocumentStatus.VERIFIED && !!d.current,
  );
}

/** Keys of the documents of one subject, e.g. the principal owner's. */
export function documentsOf(set: DocumentSet, subject: DocumentSubject): string[] {
  return set.documents.filter((d) => d.subject === subject).map((d) => d.key);
}
