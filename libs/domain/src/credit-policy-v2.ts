/**
 * credit-policy-v2: the decision on a document set (document-set.ts) instead of one report. It
 * reads the personal score and band or the corporate rating, the registration's status, and caps
 * the line at a multiple of the average monthly inflows the bank statements show. Every reason
 * code that comes from a document names it: `CODE:<document key>` (parseReason splits them).
 * Pure, deterministic, bigint arithmetic on minor units: never a float.
 */
import { type Direction } from './application.js';
import { type CreditDecision, type ReviewDecision } from './decision.js';
import {
  CORPORATE_RATINGS,
  SCORE_BANDS,
  type DocumentCatalogue,
  type DocumentFieldValue,
  type MinorUnitsMoney,
} from './document-catalogue.js';
import { type DocumentConsentGrant } from './document-consent.js';
import { StandardDocumentKind } from './document-kinds.js';
import { documentsOutsideConsent, DocumentStatus, type DocumentSet } from './document-set.js';
import { isPlainRecord } from './field-names.js';
import { fromMinorUnits, moneyProblem, toMinorUnits, type Money } from './money.js';

export const CREDIT_POLICY_V2 = 'credit-policy-v2';

export interface CreditPolicyV2Knobs {
  /** The line is at most this percent of the average monthly inflows (integer, 1 to 10000). */
  inflowCapPercent?: number;
  /** A credit score (personal, or corporate when given) below this declines (0 to 1000). */
  minimumScore?: number;
  /** A line below this (decimal string, in the requested currency) declines; any positive line otherwise. */
  minimumLimit?: string;
}

export const CREDIT_POLICY_V2_DEFAULTS = { inflowCapPercent: 300, minimumScore: 600 } as const;

/** What v2 reads (a subset of CreditPolicyInput, declared here so this file needs nothing of credit-policy.ts). */
export interface CreditPolicyV2Input {
  requested: Money;
  approvals: readonly ReviewDecision[];
  decidedAt: string;
  documents?: DocumentSet;
  /**
   * The consent as it stands at the decision: every document must still be within it (PRODUCT.md:
   * valid at verification and at decision). Required by v2: without it, v2 declines.
   */
  consent?: { grant: DocumentConsentGrant | undefined; direction: Direction; catalogue?: DocumentCatalogue };
  knobs?: CreditPolicyV2Knobs;
}

export const DocumentReason = {
  /** A required document has no verified current version (never submitted, awaiting, not verified). */
  DOCUMENT_MISSING: 'DOCUMENT_MISSING',
  /** Verified once, revoked by its issuer since. */
  DOCUMENT_REVOKED: 'DOCUMENT_REVOKED',
  /**
   * A verified document's fields are not what its kind requires (a catalogue changed under it), or a
   * field v2 reads is absent (a personal report's delinquencies, a corporate report's score).
   */
  DOCUMENT_FIELDS_INVALID: 'DOCUMENT_FIELDS_INVALID',
  SCORE_BELOW_MINIMUM: 'SCORE_BELOW_MINIMUM',
  SCORE_BAND_BELOW_POLICY: 'SCORE_BAND_BELOW_POLICY',
  RATING_BELOW_POLICY: 'RATING_BELOW_POLICY',
  DELINQUENCY_ON_RECORD: 'DELINQUENCY_ON_RECORD',
  REGISTRATION_NOT_ACTIVE: 'REGISTRATION_NOT_ACTIVE',
  /** A statement's amounts are not in the requested currency: never converted. */
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  /** The capped line is below the minimum (zero inflows, a low recommendation). */
  LIMIT_BELOW_MINIMUM: 'LIMIT_BELOW_MINIMUM',
  /** The application carries no document set. */
  DOCUMENT_SET_MISSING: 'DOCUMENT_SET_MISSING',
  /** The consent no longer covers a document at the decision (revoked, expired, narrowed). */
  DOCUMENT_OUTSIDE_CONSENT: 'DOCUMENT_OUTSIDE_CONSENT',
  /** v2 was asked to decide without the consent: nothing is used without one. */
  CONSENT_MISSING: 'CONSENT_MISSING',
  RECOMMENDATION_CURRENCY_MISMATCH: 'RECOMMENDATION_CURRENCY_MISMATCH',
  /** The requested limit, a recommendation or a knob is malformed: nothing is decided on it. */
  INPUT_INVALID: 'INPUT_INVALID',
} as const;

/** Splits `CODE:<document key>` into its code and key; a code without a key has none. */
export function parseReason(reason: string): { code: string; documentKey?: string } {
  const text = typeof reason === 'string' ? reason : '';
  const colon = text.indexOf(':');
  return colon < 0 ? { code: text } : { code: text.slice(0, colon), documentKey: text.slice(colon + 1) };
}

const because = (code: string, documentKey: string) => `${code}:${documentKey}`;

/** Share of the requested limit per personal score band and per corporate rating, percent; absent declines. */
const BAND_SHARE: Partial<Record<(typeof SCORE_BANDS)[number], bigint>> = { A: 100n, B: 75n, C: 50n };
const RATING_SHARE: Partial<Record<(typeof CORPORATE_RATINGS)[number], bigint>> = {
  AAA: 100n,
  AA: 100n,
  A: 100n,
  BBB: 75n,
  BB: 50n,
};
const OFFER_VALIDITY_DAYS_V2 = 30;
const MINOR_UNITS = /^(0|[1-9]\d{0,14})$/;

function shareOf<T extends string>(table: Partial<Record<T, bigint>>, value: DocumentFieldValue | undefined) {
  return typeof value === 'string' && Object.hasOwn(table, value) ? table[value as T] : undefined;
}

function minorOf(value: DocumentFieldValue | undefined): { minor: bigint; currency: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const money = value as Partial<MinorUnitsMoney>;
  if (typeof money.minorUnits !== 'string' || !MINOR_UNITS.test(money.minorUnits) || typeof money.currency !== 'string')
    return undefined;
  return { minor: BigInt(money.minorUnits), currency: money.currency };
}

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

/** Problems with v2's knobs, for configuration checks; each names the knob, never its value. */
export function creditPolicyV2KnobsProblems(knobs: CreditPolicyV2Knobs | undefined, currency: string): string[] {
  const shape: unknown = knobs; // from configuration or state: anything may be here
  if (shape !== undefined && !isPlainRecord(shape)) return ['knobs: must be an object'];
  const problems: string[] = [];
  if (knobs?.inflowCapPercent !== undefined && !isIntegerIn(knobs.inflowCapPercent, 1, 10_000))
    problems.push('inflowCapPercent: must be an integer from 1 to 10000');
  if (knobs?.minimumScore !== undefined && !isIntegerIn(knobs.minimumScore, 0, 1000))
    problems.push('minimumScore: must be an integer from 0 to 1000');
  if (knobs?.minimumLimit !== undefined) {
    const problem = moneyProblem({ amount: knobs.minimumLimit, currency });
    if (problem) problems.push(`minimumLimit: ${problem}`);
  }
  return problems;
}

/** A review decision v2 can read: an outcome with a kind, and an approval's recommendation shaped like money. */
function isReadableApproval(value: unknown): boolean {
  if (!isPlainRecord(value) || !isPlainRecord(value.outcome)) return false;
  if (value.outcome.kind !== 'approve') return true;
  const limit = value.outcome.recommendedLimit;
  return isPlainRecord(limit) && typeof limit.amount === 'string' && typeof limit.currency === 'string';
}

/** A document entry v2 can read: a key and status, and a current version (when any) with fields as an object. */
function isReadableDocument(value: unknown): boolean {
  if (!isPlainRecord(value) || typeof value.key !== 'string' || typeof value.status !== 'string') return false;
  if (value.current === undefined) return true;
  return isPlainRecord(value.current) && isPlainRecord(value.current.fields);
}

/**
 * Whether the input has the shape v2 reads, checked before anything is read: the input reaches v2
 * from workflow state and history, and a throw would wedge the workflow task. Values are checked
 * later (INPUT_INVALID, DOCUMENT_FIELDS_INVALID, ...); this is only what would make reading throw.
 */
function isReadableInput(input: unknown): input is CreditPolicyV2Input {
  if (!isPlainRecord(input)) return false;
  const { approvals, documents, consent } = input;
  if (approvals !== undefined && !(Array.isArray(approvals) && approvals.every(isReadableApproval))) return false;
  if (documents !== undefined && !(isPlainRecord(documents) && Array.isArray(documents.documents))) return false;
  if (documents !== undefined && !(documents.documents as unknown[]).every(isReadableDocument)) return false;
  if (consent !== undefined) {
    if (!isPlainRecord(consent)) return false;
    const catalogue = consent.catalogue;
    if (catalogue !== undefined && !(isPlainRecord(catalogue) && isPlainRecord(catalogue.kinds))) return false;
  }
  return true;
}

/** The decision on a document set. Never throws: malformed input of any shape declines INPUT_INVALID. */
export function creditPolicyV2(input: CreditPolicyV2Input): CreditDecision {
  const policyVersion = CREDIT_POLICY_V2;
  const declined = (reasonCodes: string[]): CreditDecision => ({ outcome: 'DECLINED', reasonCodes, policyVersion });
  if (!isReadableInput(input)) return declined([DocumentReason.INPUT_INVALID]);
  const currency = input.requested?.currency;
  const recommendations = (input.approvals ?? []).flatMap((a) =>
    a.outcome.kind === 'approve' ? [a.outcome.recommendedLimit] : [],
  );
  const decided = typeof input.decidedAt === 'string' ? Date.parse(input.decidedAt) : Number.NaN;
  if (
    !Number.isFinite(decided) ||
    !input.requested ||
    typeof currency !== 'string' ||
    moneyProblem(input.requested) ||
    creditPolicyV2KnobsProblems(input.knobs, currency).length > 0 ||
    recommendations.some((m) => m.currency === currency && moneyProblem(m) !== undefined)
  )
    return declined([DocumentReason.INPUT_INVALID]);
  const documents = input.documents?.documents;
  if (!documents || documents.length === 0) return declined([DocumentReason.DOCUMENT_SET_MISSING]);
  if (!input.consent) return declined([DocumentReason.CONSENT_MISSING]);

  const reasons: string[] = [];
  const outside = new Set(
    documentsOutsideConsent(input.documents!, {
      at: input.decidedAt,
      direction: input.consent.direction,
      consent: input.consent.grant,
      ...(input.consent.catalogue && { catalogue: input.consent.catalogue }),
    }).map((d) => d.key),
  );
  const minimumScore = input.knobs?.minimumScore ?? CREDIT_POLICY_V2_DEFAULTS.minimumScore;
  const capPercent = BigInt(input.knobs?.inflowCapPercent ?? CREDIT_POLICY_V2_DEFAULTS.inflowCapPercent);
  let share = 100n;
  const inflows: bigint[] = [];

  for (const document of documents) {
    const key = document.key;
    if (document.status !== DocumentStatus.VERIFIED || !document.current) {
      reasons.push(
        because(
          document.status === DocumentStatus.REVOKED
            ? DocumentReason.DOCUMENT_REVOKED
            : DocumentReason.DOCUMENT_MISSING,
          key,
        ),
      );
      continue;
    }
    if (outside.has(key)) {
      // Outside the consent: its fields are not read at all.
      reasons.push(because(DocumentReason.DOCUMENT_OUTSIDE_CONSENT, key));
      continue;
    }
    const fields = document.current.fields;
    const field = (name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
    switch (document.kind) {
      case StandardDocumentKind.PERSONAL_CREDIT_REPORT: {
        const score = field('score');
        const bandShare = shareOf(BAND_SHARE, field('scoreBand'));
        const delinquencies = field('delinquencies');
        // Every field read is required: an absent delinquency count is not a clean record.
        if (
          !isIntegerIn(score, 0, 1000) ||
          !SCORE_BANDS.includes(field('scoreBand') as 'A') ||
          !isIntegerIn(delinquencies, 0, 1000)
        ) {
          reasons.push(because(DocumentReason.DOCUMENT_FIELDS_INVALID, key));
          break;
        }
        if (score < minimumScore) reasons.push(because(DocumentReason.SCORE_BELOW_MINIMUM, key));
        if (bandShare === undefined) reasons.push(because(DocumentReason.SCORE_BAND_BELOW_POLICY, key));
        else if (bandShare < share) share = bandShare;
        if (delinquencies !== 0) reasons.push(because(DocumentReason.DELINQUENCY_ON_RECORD, key));
        break;
      }
      case StandardDocumentKind.CORPORATE_CREDIT_REPORT: {
        const rating = field('rating');
        const score = field('score');
        // The score is required: an absent one would skip the minimum-score check.
        if (!CORPORATE_RATINGS.includes(rating as 'A') || !isIntegerIn(score, 0, 1000)) {
          reasons.push(because(DocumentReason.DOCUMENT_FIELDS_INVALID, key));
          break;
        }
        const ratingShare = shareOf(RATING_SHARE, rating);
        if (ratingShare === undefined) reasons.push(because(DocumentReason.RATING_BELOW_POLICY, key));
        else if (ratingShare < share) share = ratingShare;
        if (score < minimumScore) reasons.push(because(DocumentReason.SCORE_BELOW_MINIMUM, key));
        break;
      }
      case StandardDocumentKind.BANK_STATEMENT: {
        const total = minorOf(field('totalInflows'));
        const balance = minorOf(field('averageBalance'));
        if (!total || !balance) {
          reasons.push(because(DocumentReason.DOCUMENT_FIELDS_INVALID, key));
          break;
        }
        if (total.currency !== currency || balance.currency !== currency) {
          reasons.push(because(DocumentReason.CURRENCY_MISMATCH, key));
          break;
        }
        inflows.push(total.minor);
        break;
      }
      case StandardDocumentKind.BUSINESS_REGISTRATION:
        if (field('status') !== 'active') reasons.push(because(DocumentReason.REGISTRATION_NOT_ACTIVE, key));
        break;
      default:
        // A configured kind: it must be verified (above); v2 reads none of its fields.
        break;
    }
  }
  if (recommendations.some((m) => m.currency !== currency))
    reasons.push(DocumentReason.RECOMMENDATION_CURRENCY_MISMATCH);
  if (reasons.length > 0) return declined(reasons);

  const caps = [(toMinorUnits(input.requested) * share) / 100n, ...recommendations.map(toMinorUnits)];
  if (inflows.length > 0) {
    const average = inflows.reduce((sum, minor) => sum + minor, 0n) / BigInt(inflows.length);
    caps.push((average * capPercent) / 100n);
  }
  const limit = caps.reduce((low, cap) => (cap < low ? cap : low));
  const minimum =
    input.knobs?.minimumLimit === undefined ? 1n : toMinorUnits({ amount: input.knobs.minimumLimit, currency });
  if (limit < minimum) return declined([DocumentReason.LIMIT_BELOW_MINIMUM]);
  const expiry = new Date(decided + OFFER_VALIDITY_DAYS_V2 * 86_400_000);
  // A decision time at the very end of Date's range has no expiry 30 days on: refused, not thrown.
  if (!Number.isFinite(expiry.getTime())) return declined([DocumentReason.INPUT_INVALID]);
  const expires = expiry.toISOString();
  return { outcome: 'APPROVED', limit: fromMinorUnits(limit, currency), offerExpiresAt: expires, policyVersion };
}
