/**
 * Consent per document: what the applicant agreed may be processed, document by document. A grant
 * names the purposes, the direction, its validity, and for each document key (or, failing that,
 * each kind) the data categories and the issuers whose documents may be used. A document is used
 * only if its key or kind is covered, its kind's data category is named, its issuer is named, the
 * direction matches and the grant is valid at that moment (PRODUCT.md: consent governs processing).
 * Pure and deterministic (workflow-safe).
 */
import { type ConsentGrant, type Direction } from './application.js';
import { REQUIRED_PURPOSE } from './consent-terms.js';
import { isRealDateTime } from './date-time.js';
import { DEFAULT_DOCUMENT_CATALOGUE, documentKindSpec, type DocumentCatalogue } from './document-catalogue.js';
import { isDocumentKindName, StandardDocumentKind } from './document-kinds.js';
import { type DocumentSubject } from './document-requirements.js';
import { fieldSegment, isPlainRecord, isReservedKey, type InputProblem } from './field-names.js';
import { isSha256Hex } from './hex.js';

/** What the applicant allows for one document key or one kind. */
export interface DocumentConsentScope {
  dataCategories: readonly string[];
  /** Issuer addresses (0x, 20 bytes; compared case-insensitively) whose documents may be used. */
  issuers: readonly string[];
}

export interface DocumentConsentGrant {
  purposes: readonly string[];
  direction: Direction;
  /** Start of validity (ISO 8601); when absent, valid from capture. */
  validFrom?: string;
  /** End of validity (ISO 8601), exclusive. */
  validUntil: string;
  /** Scopes by document key (e.g. `owner-credit-report`, `bank-statement/2026-09`); a key's scope wins over its kind's. */
  documents?: Readonly<Record<string, DocumentConsentScope>>;
  /** Scopes by kind (e.g. `bank-statement`), for every document of the kind without a scope of its own. */
  kinds?: Readonly<Record<string, DocumentConsentScope>>;
  /** SHA-256 (64 lowercase hex) of the consent text version shown to the applicant. */
  consentTextHash: string;
  /** Where the applicant consented, a code (e.g. `mobile-app`). */
  channel: string;
  /** When the applicant consented (ISO 8601, the loan system's clock). */
  capturedAt: string;
}

export interface DocumentConsentContext {
  /** The moment of processing (workflow time, ISO 8601): submission, verification or decision. */
  at: string;
  /** The application's direction. */
  direction: Direction;
  /** Where the kind's data category comes from; the standard catalogue when absent. */
  catalogue?: DocumentCatalogue;
  /**
   * Whose document it is. Someone other than the applicant (a company's principal owner) is
   * covered only by a scope naming the document's key: a kind-wide scope is the applicant's own.
   */
  subject?: DocumentSubject;
}

function scopeOf(
  grant: DocumentConsentGrant,
  documentKey: string,
  kind: string,
  subject: DocumentSubject,
): DocumentConsentScope | undefined {
  // Own keys only: a document key or kind named like an Object member is never covered by accident.
  if (isPlainRecord(grant.documents) && Object.hasOwn(grant.documents, documentKey))
    return grant.documents[documentKey];
  if (subject === 'applicant' && isPlainRecord(grant.kinds) && Object.hasOwn(grant.kinds, kind))
    return grant.kinds[kind];
  return undefined;
}

const time = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/**
 * Why a document is outside the consent, or undefined when the consent covers it. The reason names
 * the rule, never the issuer or another value of the caller's.
 */
export function documentConsentProblem(
  grant: DocumentConsentGrant | undefined,
  documentKey: string,
  kind: string,
  issuer: string,
  context: DocumentConsentContext,
): string | undefined {
  if (!grant) return 'no consent has been given';
  if (!Array.isArray(grant.purposes) || !grant.purposes.includes(REQUIRED_PURPOSE))
    return `the consent does not name the purpose ${REQUIRED_PURPOSE}`;
  if (grant.direction !== context.direction) return "the consent does not cover the application's direction";
  const at = time(context.at);
  const until = time(grant.validUntil);
  if (!Number.isFinite(at) || !Number.isFinite(until)) return 'the consent has no valid period';
  if (grant.validFrom !== undefined) {
    const from = time(grant.validFrom);
    if (!Number.isFinite(from)) return 'the consent has no valid period';
    if (at < from) return 'the consent is not yet valid';
  }
  if (at >= until) return 'the consent has expired';
  const subject = context.subject ?? 'applicant';
  const scope = scopeOf(grant, documentKey, kind, subject);
  if (!scope)
    return subject === 'applicant'
      ? 'the consent does not cover this document or its kind'
      : "the consent does not name this document: another person's document needs a scope of its own";
  const spec = documentKindSpec(context.catalogue ?? DEFAULT_DOCUMENT_CATALOGUE, kind);
  if (!spec) return 'the document kind is not in the catalogue';
  if (!Array.isArray(scope.dataCategories) || !scope.dataCategories.includes(spec.dataCategory))
    return `the consent does not name the data category ${spec.dataCategory}`;
  const wanted = typeof issuer === 'string' ? issuer.toLowerCase() : undefined;
  if (
    wanted === undefined ||
    !Array.isArray(scope.issuers) ||
    !scope.issuers.some((named) => typeof named === 'string' && named.toLowerCase() === wanted)
  )
    return "the consent does not name the document's issuer";
  return undefined;
}

/**
 * Today's single-report consent as a per-document grant, so existing flows keep working: it covers
 * personal credit reports from the one issuer it names, in the data categories it names. No start
 * of validity: the capture time is the loan system's clock, and v1 never checked it either.
 */
export function documentGrantFromConsent(consent: ConsentGrant): DocumentConsentGrant {
  return {
    purposes: [...consent.purposes],
    direction: consent.direction,
    validUntil: consent.validUntil,
    consentTextHash: consent.consentTextHash,
    channel: consent.channel,
    capturedAt: consent.capturedAt,
    kinds: {
      [StandardDocumentKind.PERSONAL_CREDIT_REPORT]: {
        dataCategories: [...consent.dataCategories],
        issuers: [consent.issuer],
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A grant as the loan system sends it

/** A document key: a slot name, or a monthly slot's `slot/YYYY-MM`. */
export const DOCUMENT_KEY_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\/\d{4}-(?:0[1-9]|1[0-2]))?$/;
/** A purpose or a channel: lowercase words joined by hyphens, at most CONSENT_CODE_MAX_LENGTH characters. */
export const CONSENT_CODE_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const CONSENT_CODE_MAX_LENGTH = 48;
const PURPOSE = CONSENT_CODE_PATTERN;
const ISSUER_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
export const CONSENT_GRANT_LIMITS = { purposes: 8, scopes: 64, dataCategories: 8, issuers: 16 } as const;

export type ParsedDocumentConsentGrant =
  { ok: true; grant: DocumentConsentGrant } | { ok: false; problems: InputProblem[] };

function knownKeys(value: Record<string, unknown>, allowed: readonly string[], path: string): InputProblem[] {
  return Object.keys(value).flatMap((key) =>
    isReservedKey(key)
      ? [{ field: `${path}.${fieldSegment(key)}`, message: 'this key is not allowed' }]
      : allowed.includes(key)
        ? []
        : [{ field: `${path}.${fieldSegment(key)}`, message: 'is not a property of a consent' }],
  );
}

function scopeFrom(value: unknown, path: string, problems: InputProblem[]): DocumentConsentScope | undefined {
  if (!isPlainRecord(value)) {
    problems.push({ field: path, message: 'must be an object with dataCategories and issuers' });
    return undefined;
  }
  const before = problems.length;
  problems.push(...knownKeys(value, ['dataCategories', 'issuers'], path));
  const { dataCategories, issuers } = value;
  if (
    !Array.isArray(dataCategories) ||
    dataCategories.length === 0 ||
    dataCategories.length > CONSENT_GRANT_LIMITS.dataCategories ||
    !dataCategories.every(isDocumentKindName)
  )
    problems.push({
      field: `${path}.dataCategories`,
      message: `must be a list of 1 to ${CONSENT_GRANT_LIMITS.dataCategories} data categories (lowercase words joined by hyphens)`,
    });
  if (
    !Array.isArray(issuers) ||
    issuers.length === 0 ||
    issuers.length > CONSENT_GRANT_LIMITS.issuers ||
    !issuers.every((issuer) => typeof issuer === 'string' && ISSUER_ADDRESS.test(issuer))
  )
    problems.push({
      field: `${path}.issuers`,
      message: `must be a list of 1 to ${CONSENT_GRANT_LIMITS.issuers} 0x-prefixed 20-byte addresses`,
    });
  if (problems.length > before) return undefined;
  return {
    dataCategories: [...(dataCategories as string[])],
    issuers: (issuers as string[]).map((issuer) => issuer.toLowerCase()),
  };
}

function scopesFrom(
  value: unknown,
  path: string,
  nameOk: (name: string) => boolean,
  nameRule: string,
  problems: InputProblem[],
): Record<string, DocumentConsentScope> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainRecord(value)) {
    problems.push({ field: path, message: 'must be an object of scopes' });
    return undefined;
  }
  const names = Object.keys(value);
  // An empty object of scopes covers nothing: a grant that says so is a mistake, not a consent.
  if (names.length === 0 || names.length > CONSENT_GRANT_LIMITS.scopes) {
    problems.push({ field: path, message: `must have 1 to ${CONSENT_GRANT_LIMITS.scopes} scopes` });
    return undefined;
  }
  const scopes: Record<string, DocumentConsentScope> = {};
  for (const name of names) {
    const field = `${path}.${fieldSegment(name)}`;
    if (isReservedKey(name)) problems.push({ field, message: 'this key is not allowed' });
    else if (!nameOk(name)) problems.push({ field, message: nameRule });
    else {
      const scope = scopeFrom(value[name], field, problems);
      if (scope) scopes[name] = scope;
    }
  }
  return scopes;
}

/**
 * A per-document consent grant from the loan system's JSON, checked: every problem with the field at
 * fault and never a value; on success a fresh copy with issuers lowercased. Kinds must be in the
 * catalogue; document keys must be shaped like keys (whether the application requires them is the
 * document set's business). Never throws.
 */
export function parseDocumentConsentGrant(
  json: unknown,
  catalogue: DocumentCatalogue = DEFAULT_DOCUMENT_CATALOGUE,
): ParsedDocumentConsentGrant {
  if (!isPlainRecord(json)) return { ok: false, problems: [{ field: 'consent', message: 'must be an object' }] };
  const problems = knownKeys(
    json,
    [
      'purposes',
      'direction',
      'validFrom',
      'validUntil',
      'documents',
      'kinds',
      'consentTextHash',
      'channel',
      'capturedAt',
    ],
    'consent',
  );
  const { purposes, direction, validFrom, validUntil, consentTextHash, channel, capturedAt } = json;
  if (
    !Array.isArray(purposes) ||
    purposes.length === 0 ||
    purposes.length > CONSENT_GRANT_LIMITS.purposes ||
    !purposes.every((p) => typeof p === 'string' && p.length <= CONSENT_CODE_MAX_LENGTH && PURPOSE.test(p))
  )
    problems.push({
      field: 'consent.purposes',
      message: `must be a list of 1 to ${CONSENT_GRANT_LIMITS.purposes} purposes (lowercase words joined by hyphens)`,
    });
  else if (!purposes.includes(REQUIRED_PURPOSE))
    // Without it nothing may be processed (documentConsentProblem): refused now, not discovered later.
    problems.push({ field: 'consent.purposes', message: `must include ${REQUIRED_PURPOSE}` });
  if (direction !== 'northbound' && direction !== 'southbound')
    problems.push({ field: 'consent.direction', message: 'must be northbound or southbound' });
  // The API's rule (one mechanism): a real instant, so 2026-02-30 or T24:00 never passes as another day.
  const isTime = isRealDateTime;
  if (!isTime(validUntil))
    problems.push({
      field: 'consent.validUntil',
      message: 'must be an RFC 3339 date-time of a real day, e.g. 2026-11-20T09:00:00Z',
    });
  if (validFrom !== undefined && !isTime(validFrom))
    problems.push({
      field: 'consent.validFrom',
      message: 'must be an RFC 3339 date-time of a real day, e.g. 2026-11-20T09:00:00Z',
    });
  else if (isTime(validFrom) && isTime(validUntil) && Date.parse(validFrom) >= Date.parse(validUntil))
    problems.push({ field: 'consent.validUntil', message: 'must be later than validFrom' });
  if (!isSha256Hex(consentTextHash))
    problems.push({
      field: 'consent.consentTextHash',
      message: 'must be a SHA-256 digest, 64 lowercase hex characters',
    });
  if (typeof channel !== 'string' || channel.length > CONSENT_CODE_MAX_LENGTH || !PURPOSE.test(channel))
    problems.push({ field: 'consent.channel', message: 'must be a code of lowercase words joined by hyphens' });
  if (!isTime(capturedAt))
    problems.push({
      field: 'consent.capturedAt',
      message: 'must be an RFC 3339 date-time of a real day, e.g. 2026-11-20T09:00:00Z',
    });
  else if (isTime(validUntil) && Date.parse(capturedAt) >= Date.parse(validUntil))
    problems.push({ field: 'consent.capturedAt', message: 'must come before validUntil' });
  const documents = scopesFrom(
    json.documents,
    'consent.documents',
    (key) => key.length <= 56 && DOCUMENT_KEY_PATTERN.test(key),
    'is not a document key (a slot name, or slot/YYYY-MM)',
    problems,
  );
  const kinds = scopesFrom(
    json.kinds,
    'consent.kinds',
    (kind) => documentKindSpec(catalogue, kind) !== undefined,
    'is not a document kind of the catalogue',
    problems,
  );
  if (json.documents === undefined && json.kinds === undefined)
    problems.push({ field: 'consent', message: 'must name documents or kinds it covers' });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    grant: {
      purposes: [...(purposes as string[])],
      direction: direction as Direction,
      ...(validFrom !== undefined && { validFrom: validFrom as string }),
      validUntil: validUntil as string,
      ...(documents && { documents }),
      ...(kinds && { kinds }),
      consentTextHash: consentTextHash as string,
      channel: channel as string,
      capturedAt: capturedAt as string,
    },
  };
}
