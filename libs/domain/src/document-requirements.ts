/**
 * Which documents an application must bring: per product, applicant type and direction, a list of
 * slots. A slot is one document, or (for monthly statements) one document per month for the last
 * whole months; resolveRequirement turns the slots into the concrete document keys of one
 * application (`slot`, or `slot/YYYY-MM`). Pure and deterministic (workflow-safe).
 */
import { type Direction } from './application.js';
import { documentKindSpec, type DocumentCatalogue } from './document-catalogue.js';
import { APPLICANT_TYPES, StandardDocumentKind, type ApplicantType } from './document-kinds.js';
import { isPlainRecord, unknownKeyProblems, type InputProblem } from './field-names.js';
import { PRODUCT_PATTERN, PRODUCT_RULE } from './ids.js';

/** Whose document a slot is: the applicant's own, or the principal owner's (a company's). */
export type DocumentSubject = 'applicant' | 'principal-owner';
export const DOCUMENT_SUBJECTS: readonly DocumentSubject[] = ['applicant', 'principal-owner'];

export interface RequirementSlot {
  /** The slot's name: lowercase words joined by hyphens; the document key, or its prefix for monthly slots. */
  slot: string;
  kind: string;
  subject: DocumentSubject;
  /** One document per whole UTC month before the application's creation month. */
  count?: { months: number };
}

/** What one product asks of one applicant type in one direction. `product: '*'` is any product. */
export interface DocumentRequirement {
  product: string;
  applicantType: ApplicantType;
  direction: Direction;
  slots: readonly RequirementSlot[];
}

/** One concrete document an application requires. */
export interface RequiredDocument {
  /** `slot`, or `slot/YYYY-MM` for a monthly slot. */
  key: string;
  slot: string;
  kind: string;
  subject: DocumentSubject;
  /** YYYY-MM, for a monthly slot's documents. */
  month?: string;
}

export const ANY_PRODUCT = '*';
export const MAX_STATEMENT_MONTHS = 24;
const SLOT_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SLOT_NAME_MAX_LENGTH = 48;
/**
 * Documents one application may require: as many as a consent can name by key (a principal owner's
 * documents are consented one by one), and a bound on every workflow input and state.
 */
export const MAX_REQUIRED_DOCUMENTS = 64;
/** Days a monthly document may be old per month counted back: a month, and its anchoring after it. */
const DAYS_PER_MONTH = 31;

const isMonthCount = (months: unknown): months is number =>
  Number.isInteger(months) && (months as number) >= 1 && (months as number) <= MAX_STATEMENT_MONTHS;

const personSlots: readonly RequirementSlot[] = [
  { slot: 'credit-report', kind: StandardDocumentKind.PERSONAL_CREDIT_REPORT, subject: 'applicant' },
];
const companySouthboundSlots: readonly RequirementSlot[] = [
  { slot: 'company-credit-report', kind: StandardDocumentKind.CORPORATE_CREDIT_REPORT, subject: 'applicant' },
  { slot: 'bank-statement', kind: StandardDocumentKind.BANK_STATEMENT, subject: 'applicant', count: { months: 6 } },
  { slot: 'owner-credit-report', kind: StandardDocumentKind.PERSONAL_CREDIT_REPORT, subject: 'principal-owner' },
];

/**
 * The defaults, for any product: a person brings a personal credit report (either direction); a
 * company southbound its corporate credit report, 6 months of bank statements and its principal
 * owner's personal credit report; northbound the same plus its business registration (KYC).
 */
export const DEFAULT_DOCUMENT_REQUIREMENTS: readonly DocumentRequirement[] = [
  { product: ANY_PRODUCT, applicantType: 'person', direction: 'northbound', slots: personSlots },
  { product: ANY_PRODUCT, applicantType: 'person', direction: 'southbound', slots: personSlots },
  { product: ANY_PRODUCT, applicantType: 'company', direction: 'southbound', slots: companySouthboundSlots },
  {
    product: ANY_PRODUCT,
    applicantType: 'company',
    direction: 'northbound',
    slots: [
      ...companySouthboundSlots,
      { slot: 'business-registration', kind: StandardDocumentKind.BUSINESS_REGISTRATION, subject: 'applicant' },
    ],
  },
];

export type RequirementLookup = { ok: true; requirement: DocumentRequirement } | { ok: false; problem: InputProblem };

/**
 * The requirement for an application: the product's own for its applicant type and direction; for
 * a product with no requirement of its own, the any-product one. A product that has requirements of
 * its own takes only those, so naming a product's requirements for companies alone is how a
 * deployment says the product is not for persons. None is a problem the API answers at creation
 * (422), naming the combination's fields, not their values.
 */
export function requirementFor(
  requirements: readonly DocumentRequirement[],
  application: { product: string; applicantType: ApplicantType; direction: Direction },
): RequirementLookup {
  if (!(APPLICANT_TYPES as readonly string[]).includes(application.applicantType))
    return { ok: false, problem: { field: 'applicantType', message: `must be one of ${APPLICANT_TYPES.join(', ')}` } };
  const ownProduct = requirements.some((r) => r.product === application.product) ? application.product : ANY_PRODUCT;
  const requirement = requirements.find(
    (r) =>
      r.product === ownProduct &&
      r.applicantType === application.applicantType &&
      r.direction === application.direction,
  );
  if (requirement) return { ok: true, requirement };
  if (ownProduct === ANY_PRODUCT)
    return {
      ok: false,
      problem: {
        field: 'product',
        message: 'no document requirement is configured for this product, applicant type and direction',
      },
    };
  // The field at fault: the direction when the product takes this applicant type the other way.
  const takesType = requirements.some((r) => r.product === ownProduct && r.applicantType === application.applicantType);
  return {
    ok: false,
    problem: takesType
      ? { field: 'direction', message: 'this product takes no application of this applicant type in this direction' }
      : { field: 'applicantType', message: 'this product takes no application of this applicant type' },
  };
}

/** YYYY-MM of the month `offset` months from (year, month0), month0 zero-based. */
function monthKey(year: number, month0: number, offset: number): string {
  const total = year * 12 + month0 + offset;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

export type ResolvedRequirement = { ok: true; documents: RequiredDocument[] } | { ok: false; problem: InputProblem };

/**
 * The concrete documents of one application: one key per plain slot; for a monthly slot, one key
 * per whole UTC month before the month of `createdAt` (the application's creation time, ISO 8601),
 * oldest first. Created on 2026-12-03, six months are 2026-06 to 2026-11. A month count that is not
 * an integer from 1 to MAX_STATEMENT_MONTHS is a problem, not a list of odd keys.
 */
export function resolveRequirement(requirement: DocumentRequirement, createdAt: string): ResolvedRequirement {
  const time = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  if (!Number.isFinite(time)) return { ok: false, problem: { field: 'createdAt', message: 'is not an ISO 8601 time' } };
  const created = new Date(time);
  const documents: RequiredDocument[] = [];
  for (const [j, slot] of requirement.slots.entries()) {
    if (slot.count === undefined) {
      documents.push({ key: slot.slot, slot: slot.slot, kind: slot.kind, subject: slot.subject });
      continue;
    }
    // Checked here too, not only by requirementsProblems: a fraction or a huge count would give odd
    // keys or a long loop, whatever configuration let it through.
    const months: unknown = slot.count?.months;
    if (!isMonthCount(months))
      return {
        ok: false,
        problem: { field: `slots.${j}.count.months`, message: `must be an integer from 1 to ${MAX_STATEMENT_MONTHS}` },
      };
    for (let back = months; back >= 1; back--) {
      const month = monthKey(created.getUTCFullYear(), created.getUTCMonth(), -back);
      documents.push({ key: `${slot.slot}/${month}`, slot: slot.slot, kind: slot.kind, subject: slot.subject, month });
    }
  }
  return { ok: true, documents };
}

/**
 * Problems with configured requirements against a catalogue: a product named as applications name
 * it (PRODUCT_PATTERN) or `*`; slot names plain and unique within a requirement; kinds known; no
 * principal owner on a person's requirement; month counts 1 to MAX_STATEMENT_MONTHS, each month
 * within its kind's age limit (a monthly kind must state one); at most MAX_REQUIRED_DOCUMENTS
 * documents; no property it does not know; one requirement per combination. Never throws.
 */
export function requirementsProblems(
  requirements: readonly DocumentRequirement[],
  catalogue: DocumentCatalogue,
): InputProblem[] {
  // Configuration JSON may hold anything: every shape is checked before it is read. Never throws.
  const list: unknown = requirements;
  if (!Array.isArray(list)) return [{ field: 'requirements', message: 'must be a list of requirements' }];
  if (!isPlainRecord(catalogue) || !isPlainRecord(catalogue.kinds))
    return [{ field: 'catalogue', message: 'must be a document catalogue' }];
  const problems: InputProblem[] = [];
  const combinations = new Set<string>();
  list.forEach((requirement: unknown, i) => {
    const path = `requirements.${i}`;
    if (!isPlainRecord(requirement)) {
      problems.push({ field: path, message: 'must be an object with product, applicantType, direction and slots' });
      return;
    }
    problems.push(...unknownKeyProblems(requirement, ['product', 'applicantType', 'direction', 'slots'], path));
    const { product, applicantType, direction, slots } = requirement;
    if (typeof product === 'string' && typeof applicantType === 'string' && typeof direction === 'string') {
      const combination = `${product}\u0000${applicantType}\u0000${direction}`;
      if (combinations.has(combination))
        problems.push({ field: path, message: 'repeats a product, applicant type and direction' });
      combinations.add(combination);
    }
    if (product !== ANY_PRODUCT && !(typeof product === 'string' && PRODUCT_PATTERN.test(product)))
      problems.push({
        field: `${path}.product`,
        message: `must be a product as applications name it (${PRODUCT_RULE}), or ${ANY_PRODUCT} for any product`,
      });
    if (!(APPLICANT_TYPES as readonly unknown[]).includes(applicantType))
      problems.push({ field: `${path}.applicantType`, message: `must be one of ${APPLICANT_TYPES.join(', ')}` });
    if (direction !== 'northbound' && direction !== 'southbound')
      problems.push({ field: `${path}.direction`, message: 'must be northbound or southbound' });
    if (!Array.isArray(slots)) {
      problems.push({ field: `${path}.slots`, message: 'must be a list of slots' });
      return;
    }
    if (slots.length === 0) problems.push({ field: `${path}.slots`, message: 'must name at least one document' });
    const seen = new Set<string>();
    let documents = 0;
    slots.forEach((slot: unknown, j) => {
      const slotPath = `${path}.slots.${j}`;
      if (!isPlainRecord(slot)) {
        problems.push({ field: slotPath, message: 'must be an object with slot, kind and subject' });
        return;
      }
      problems.push(...unknownKeyProblems(slot, ['slot', 'kind', 'subject', 'count'], slotPath));
      const name = slot.slot;
      if (typeof name !== 'string' || name.length < 3 || name.length > SLOT_NAME_MAX_LENGTH || !SLOT_NAME.test(name))
        problems.push({
          field: `${slotPath}.slot`,
          message: 'a slot is named by lowercase words joined by hyphens, 3 to 48 characters',
        });
      else if (seen.has(name)) problems.push({ field: `${slotPath}.slot`, message: 'repeats a slot name' });
      else seen.add(name);
      const spec = typeof slot.kind === 'string' ? documentKindSpec(catalogue, slot.kind) : undefined;
      if (!spec) problems.push({ field: `${slotPath}.kind`, message: 'is not a document kind of the catalogue' });
      if (!(DOCUMENT_SUBJECTS as readonly unknown[]).includes(slot.subject))
        problems.push({ field: `${slotPath}.subject`, message: `must be one of ${DOCUMENT_SUBJECTS.join(', ')}` });
      else if (slot.subject === 'principal-owner' && applicantType === 'person')
        problems.push({ field: `${slotPath}.subject`, message: "a person's requirement has no principal owner" });
      if (slot.count === undefined) {
        documents += 1;
        return;
      }
      if (!(isPlainRecord(slot.count) && isMonthCount(slot.count.months))) {
        problems.push({
          field: `${slotPath}.count.months`,
          message: `must be an integer from 1 to ${MAX_STATEMENT_MONTHS}`,
        });
        return;
      }
      const months = slot.count.months;
      documents += months;
      // The oldest month must still be young enough to verify: otherwise it always comes back EXPIRED.
      if (spec && !(spec.maxAgeDays !== undefined && months * DAYS_PER_MONTH <= spec.maxAgeDays))
        problems.push({
          field: `${slotPath}.count.months`,
          message: `a kind counted by months must state maxAgeDays of at least ${DAYS_PER_MONTH} days a month`,
        });
    });
    if (documents > MAX_REQUIRED_DOCUMENTS)
      problems.push({ field: `${path}.slots`, message: `must name at most ${MAX_REQUIRED_DOCUMENTS} documents` });
  });
  return problems;
}
