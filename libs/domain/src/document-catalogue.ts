/**
 * The document kinds an application may carry and, per kind, the few decision fields it brings and
 * the data category a consent must name for it. The standard kinds ship in
 * DEFAULT_DOCUMENT_CATALOGUE; a deployment adds kinds by configuration (catalogueFromConfiguration).
 *
 * Pure and deterministic (workflow-safe). Problems name the field at fault and the rule it breaks,
 * never the submitted value, and a key only when it is a plain name (fieldSegment).
 */
import { REQUIRED_DATA_CATEGORY } from './consent-terms.js';
import { isDocumentKindName, StandardDocumentKind, STANDARD_DOCUMENT_KINDS } from './document-kinds.js';
import { fieldSegment, isPlainRecord, isReservedKey, unknownKeyProblems, type InputProblem } from './field-names.js';
import { CURRENCY_EXPONENTS } from './money.js';

/** An integer from min to max (inclusive), both safe integers. */
export interface IntegerFieldSpec {
  type: 'integer';
  min: number;
  max: number;
  /** Default true. */
  required?: boolean;
}

/** One of a fixed list of codes. */
export interface EnumFieldSpec {
  type: 'enum';
  values: readonly string[];
  required?: boolean;
}

/** A non-negative amount in integer minor units (MinorUnitsMoney), in a supported ISO 4217 currency. */
export interface MoneyFieldSpec {
  type: 'money';
  required?: boolean;
}

/** A calendar date, YYYY-MM-DD. */
export interface DateFieldSpec {
  type: 'date';
  required?: boolean;
}

/** A calendar month, YYYY-MM (a bank statement's month). */
export interface MonthFieldSpec {
  type: 'month';
  required?: boolean;
}

export type DocumentFieldSpec = IntegerFieldSpec | EnumFieldSpec | MoneyFieldSpec | DateFieldSpec | MonthFieldSpec;
export const DOCUMENT_FIELD_TYPES = ['integer', 'enum', 'money', 'date', 'month'] as const;

/** A money field's value: integer minor units as a decimal string (no sign, no leading zero), and the currency. */
export interface MinorUnitsMoney {
  minorUnits: string;
  currency: string;
}

export type DocumentFieldValue = number | string | MinorUnitsMoney;
/** A document's decision fields once validated: only the kind's fields, as plain JSON. */
export type DocumentFields = Record<string, DocumentFieldValue>;

export interface DocumentKindSpec {
  /** What a consent must name for this kind to be processed, e.g. `credit-report`. */
  dataCategory: string;
  fields: Readonly<Record<string, DocumentFieldSpec>>;
  /**
   * How old (days since its issuer anchored it) a document of this kind may be when verified; the
   * policy's maxReportAgeDays when absent. A statement for a month six months back was anchored
   * about six months ago, which a credit report's 30 days would always refuse.
   */
  maxAgeDays?: number;
}

/** Bound on a kind's maxAgeDays: about three years. */
export const MAX_DOCUMENT_AGE_DAYS = 1100;

export interface DocumentCatalogue {
  kinds: Readonly<Record<string, DocumentKindSpec>>;
}

/** Bands of a personal credit report, best first (the v1 report's `scoreBand`). */
export const SCORE_BANDS = ['A', 'B', 'C', 'D', 'E'] as const;
/** Ratings of a corporate credit report, best first. */
export const CORPORATE_RATINGS = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C', 'D'] as const;
/** A company's registration status as a KYC / business registration report states it. */
export const REGISTRATION_STATUSES = ['active', 'dormant', 'struck-off', 'dissolved', 'in-liquidation'] as const;

/** Data categories of the standard kinds; a personal report keeps v1's `credit-report`. */
export const StandardDataCategory = {
  CREDIT_REPORT: REQUIRED_DATA_CATEGORY,
  CORPORATE_CREDIT_REPORT: 'corporate-credit-report',
  BANK_STATEMENT: 'bank-statement',
  BUSINESS_REGISTRATION: 'business-registration',
} as const;

export const DEFAULT_DOCUMENT_CATALOGUE: DocumentCatalogue = {
  kinds: {
    [StandardDocumentKind.PERSONAL_CREDIT_REPORT]: {
      dataCategory: StandardDataCategory.CREDIT_REPORT,
      fields: {
        score: { type: 'integer', min: 0, max: 1000 },
        scoreBand: { type: 'enum', values: SCORE_BANDS },
        /**
         * Delinquencies on record (v1's delinquency flags, counted). Required: credit-policy-v2 reads
         * it, and an absent count must not pass as a clean record (0 says so).
         */
        delinquencies: { type: 'integer', min: 0, max: 1000 },
      },
    },
    [StandardDocumentKind.CORPORATE_CREDIT_REPORT]: {
      dataCategory: StandardDataCategory.CORPORATE_CREDIT_REPORT,
      fields: {
        rating: { type: 'enum', values: CORPORATE_RATINGS },
        /** Required: credit-policy-v2 holds it to its minimum score, and an absent score must not skip that. */
        score: { type: 'integer', min: 0, max: 1000 },
      },
    },
    [StandardDocumentKind.BANK_STATEMENT]: {
      dataCategory: StandardDataCategory.BANK_STATEMENT,
      // The oldest of six required months, anchored after the month ended, plus a month's slack.
      maxAgeDays: 215,
      fields: {
        month: { type: 'month' },
        averageBalance: { type: 'money' },
        totalInflows: { type: 'money' },
      },
    },
    [StandardDocumentKind.BUSINESS_REGISTRATION]: {
      dataCategory: StandardDataCategory.BUSINESS_REGISTRATION,
      fields: {
        status: { type: 'enum', values: REGISTRATION_STATUSES },
        registeredOn: { type: 'date' },
      },
    },
  },
};

/** The kind's spec, own keys only (`constructor` is not a kind). */
export function documentKindSpec(catalogue: DocumentCatalogue, kind: string): DocumentKindSpec | undefined {
  return typeof kind === 'string' && Object.hasOwn(catalogue.kinds, kind) ? catalogue.kinds[kind] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Field values

/** At most 15 digits: minor units stay below 2^53 (like money.ts's amounts), so JSON carries them exactly. */
const MINOR_UNITS = /^(0|[1-9]\d{0,14})$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  return match !== null && Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2]));
}

export function isCalendarMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

export function isSupportedCurrency(value: unknown): value is string {
  return typeof value === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, value);
}

/** Problems with one money value, under `field`. */
function moneyValueProblems(value: unknown, field: string): InputProblem[] {
  if (!isPlainRecord(value)) return [{ field, message: 'must be an object with minorUnits and currency' }];
  const problems: InputProblem[] = [];
  for (const key of Object.keys(value)) {
    if (isReservedKey(key))
      problems.push({ field: `${field}.${fieldSegment(key)}`, message: 'this key is not allowed' });
    else if (key !== 'minorUnits' && key !== 'currency')
      problems.push({ field: `${field}.${fieldSegment(key)}`, message: 'is not a property of a money value' });
  }
  const { minorUnits, currency } = value as Partial<Record<string, unknown>>;
  if (minorUnits === undefined) problems.push({ field: `${field}.minorUnits`, message: 'is required' });
  else if (typeof minorUnits !== 'string' || !MINOR_UNITS.test(minorUnits))
    problems.push({
      field: `${field}.minorUnits`,
      message: 'must be a string of 1 to 15 digits without a leading zero (integer minor units)',
    });
  if (currency === undefined) problems.push({ field: `${field}.currency`, message: 'is required' });
  else if (!isSupportedCurrency(currency))
    problems.push({ field: `${field}.currency`, message: 'is not a supported ISO 4217 currency' });
  return problems;
}

/** Problems with one field's value: the rule it breaks, never the value. */
function fieldValueProblems(spec: DocumentFieldSpec, value: unknown, field: string): InputProblem[] {
  switch (spec.type) {
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= spec.min && (value as number) <= spec.max
        ? []
        : [{ field, message: `must be an integer from ${spec.min} to ${spec.max}` }];
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
        ? []
        : [{ field, message: `must be one of ${spec.values.join(', ')}` }];
    case 'money':
      return moneyValueProblems(value, field);
    case 'date':
      return isCalendarDate(value) ? [] : [{ field, message: 'must be a calendar date, YYYY-MM-DD' }];
    case 'month':
      return isCalendarMonth(value) ? [] : [{ field, message: 'must be a calendar month, YYYY-MM' }];
  }
}

export type ParsedDocumentFields = { ok: true; fields: DocumentFields } | { ok: false; problems: InputProblem[] };

/**
 * A document's decision fields checked against its kind: unknown and reserved keys refused, every
 * required field present, every value of its type. On success, a fresh plain-JSON copy holding only
 * the kind's fields (nothing of the caller's object, its prototype or its getters survives).
 * Never throws; problems are under `fields.<name>` (and `kind` for an unknown kind).
 */
export function parseDocumentFields(catalogue: DocumentCatalogue, kind: string, fields: unknown): ParsedDocumentFields {
  const spec = documentKindSpec(catalogue, kind);
  if (!spec) return { ok: false, problems: [{ field: 'kind', message: 'is not a document kind of this catalogue' }] };
  if (!isPlainRecord(fields)) return { ok: false, problems: [{ field: 'fields', message: 'must be an object' }] };
  const problems: InputProblem[] = [];
  for (const key of Object.keys(fields)) {
    const field = `fields.${fieldSegment(key)}`;
    if (isReservedKey(key)) problems.push({ field, message: 'this key is not allowed' });
    else if (!Object.hasOwn(spec.fields, key))
      problems.push({ field, message: 'is not a field of this document kind' });
  }
  const parsed: DocumentFields = {};
  for (const [name, fieldSpec] of Object.entries(spec.fields)) {
    const field = `fields.${name}`;
    if (!Object.hasOwn(fields, name) || fields[name] === undefined) {
      if (fieldSpec.required !== false) problems.push({ field, message: 'is required' });
      continue;
    }
    const value = fields[name];
    const found = fieldValueProblems(fieldSpec, value, field);
    problems.push(...found);
    if (found.length === 0)
      parsed[name] =
        fieldSpec.type === 'money'
          ? {
              minorUnits: (value as MinorUnitsMoney).minorUnits,
              currency: (value as MinorUnitsMoney).currency,
            }
          : fieldSpec.type === 'integer'
            ? (value as number) + 0 // -0 is 0: the state survives JSON unchanged
            : (value as string);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, fields: parsed };
}

/** The problems with a document's decision fields (empty when they are fine); see parseDocumentFields. */
export function validateDocumentFields(catalogue: DocumentCatalogue, kind: string, fields: unknown): InputProblem[] {
  const parsed = parseDocumentFields(catalogue, kind, fields);
  return parsed.ok ? [] : parsed.problems;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** Bounds on a configured catalogue: it lives in every application's workflow state. */
export const CATALOGUE_LIMITS = { kinds: 32, fieldsPerKind: 16, enumValues: 32 } as const;
/** A field's name: camelCase, 1 to 32 characters. */
export const DOCUMENT_FIELD_NAME_PATTERN = /^[a-z][A-Za-z0-9]{0,31}$/;
/** An enum value: a short code (letters, digits, `-`, `_`, `+`), 1 to 32 characters. */
export const ENUM_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_+-]{0,31}$/;

export type CatalogueFromConfiguration =
  { ok: true; catalogue: DocumentCatalogue } | { ok: false; problems: InputProblem[] };

function fieldSpecFromConfiguration(value: unknown, path: string): [DocumentFieldSpec?, ...InputProblem[]] {
  if (!isPlainRecord(value)) return [undefined, { field: path, message: 'must be an object' }];
  const type = value.type;
  if (typeof type !== 'string' || !(DOCUMENT_FIELD_TYPES as readonly string[]).includes(type))
    return [undefined, { field: `${path}.type`, message: `must be one of ${DOCUMENT_FIELD_TYPES.join(', ')}` }];
  const extra = type === 'integer' ? ['min', 'max'] : type === 'enum' ? ['values'] : [];
  const problems = unknownKeyProblems(value, ['type', 'required', ...extra], path);
  const required = value.required;
  if (required !== undefined && typeof required !== 'boolean')
    problems.push({ field: `${path}.required`, message: 'must be true or false' });
  const optional = required === false ? { required: false } : {};
  if (type === 'integer') {
    const { min, max } = value;
    if (!Number.isSafeInteger(min)) problems.push({ field: `${path}.min`, message: 'must be a safe integer' });
    if (!Number.isSafeInteger(max)) problems.push({ field: `${path}.max`, message: 'must be a safe integer' });
    else if (Number.isSafeInteger(min) && (min as number) > (max as number))
      problems.push({ field: `${path}.max`, message: 'must not be less than min' });
    return problems.length > 0
      ? [undefined, ...problems]
      : [{ type, min: min as number, max: max as number, ...optional }];
  }
  if (type === 'enum') {
    const values = value.values;
    if (!Array.isArray(values) || values.length === 0 || values.length > CATALOGUE_LIMITS.enumValues)
      problems.push({
        field: `${path}.values`,
        message: `must be a list of 1 to ${CATALOGUE_LIMITS.enumValues} codes`,
      });
    else if (!values.every((v) => typeof v === 'string' && ENUM_VALUE_PATTERN.test(v)))
      problems.push({
        field: `${path}.values`,
        message: 'each value must be a code of 1 to 32 letters, digits, -, _ or +',
      });
    else if (new Set(values).size !== values.length)
      problems.push({ field: `${path}.values`, message: 'must not repeat a value' });
    return problems.length > 0 ? [undefined, ...problems] : [{ type, values: [...(values as string[])], ...optional }];
  }
  return problems.length > 0 ? [undefined, ...problems] : [{ type: type as 'money' | 'date' | 'month', ...optional }];
}

/**
 * A catalogue from configuration (parsed JSON): `{ "kinds": { "<kind>": { "dataCategory": "...",
 * "fields": { "<name>": { "type": "integer", "min": 0, "max": 9 } } } } }`. Configured kinds are
 * added to the standard ones; a standard kind cannot be redefined (the credit policy reads its
 * fields by name). Either the catalogue or every problem found; never throws.
 */
export function catalogueFromConfiguration(json: unknown): CatalogueFromConfiguration {
  if (!isPlainRecord(json)) return { ok: false, problems: [{ field: 'catalogue', message: 'must be an object' }] };
  const problems = unknownKeyProblems(json, ['kinds'], 'catalogue');
  const kinds = json.kinds;
  if (!isPlainRecord(kinds)) {
    problems.push({ field: 'catalogue.kinds', message: 'must be an object of document kinds' });
    return { ok: false, problems };
  }
  const names = Object.keys(kinds);
  if (names.length > CATALOGUE_LIMITS.kinds)
    problems.push({ field: 'catalogue.kinds', message: `must have at most ${CATALOGUE_LIMITS.kinds} kinds` });
  const configured: Record<string, DocumentKindSpec> = {};
  for (const kind of names.slice(0, CATALOGUE_LIMITS.kinds)) {
    const path = `catalogue.kinds.${fieldSegment(kind)}`;
    if (isReservedKey(kind)) {
      problems.push({ field: path, message: 'this key is not allowed' });
      continue;
    }
    if (!isDocumentKindName(kind)) {
      problems.push({
        field: path,
        message: 'a kind is named by lowercase words joined by hyphens, 3 to 48 characters',
      });
      continue;
    }
    if ((STANDARD_DOCUMENT_KINDS as readonly string[]).includes(kind)) {
      problems.push({ field: path, message: 'is a standard kind and cannot be redefined' });
      continue;
    }
    const entry = kinds[kind];
    if (!isPlainRecord(entry)) {
      problems.push({ field: path, message: 'must be an object' });
      continue;
    }
    const kindProblems = unknownKeyProblems(entry, ['dataCategory', 'fields', 'maxAgeDays'], path);
    const { maxAgeDays } = entry;
    if (
      maxAgeDays !== undefined &&
      !(Number.isInteger(maxAgeDays) && (maxAgeDays as number) >= 1 && (maxAgeDays as number) <= MAX_DOCUMENT_AGE_DAYS)
    )
      kindProblems.push({
        field: `${path}.maxAgeDays`,
        message: `must be a whole number of days from 1 to ${MAX_DOCUMENT_AGE_DAYS}`,
      });
    if (!isDocumentKindName(entry.dataCategory))
      kindProblems.push({
        field: `${path}.dataCategory`,
        message: 'must be lowercase words joined by hyphens, 3 to 48 characters',
      });
    const fields: Record<string, DocumentFieldSpec> = {};
    if (!isPlainRecord(entry.fields) || Object.keys(entry.fields).length === 0) {
      kindProblems.push({ field: `${path}.fields`, message: 'must be an object of at least one field' });
    } else if (Object.keys(entry.fields).length > CATALOGUE_LIMITS.fieldsPerKind) {
      kindProblems.push({
        field: `${path}.fields`,
        message: `must have at most ${CATALOGUE_LIMITS.fieldsPerKind} fields`,
      });
    } else {
      for (const [name, value] of Object.entries(entry.fields)) {
        const fieldPath = `${path}.fields.${fieldSegment(name)}`;
        if (isReservedKey(name)) {
          kindProblems.push({ field: fieldPath, message: 'this key is not allowed' });
          continue;
        }
        if (!DOCUMENT_FIELD_NAME_PATTERN.test(name)) {
          kindProblems.push({ field: fieldPath, message: 'a field is named in camelCase, 1 to 32 letters and digits' });
          continue;
        }
        const [spec, ...fieldProblems] = fieldSpecFromConfiguration(value, fieldPath);
        kindProblems.push(...fieldProblems);
        if (spec) fields[name] = spec;
      }
    }
    problems.push(...kindProblems);
    if (kindProblems.length === 0)
      configured[kind] = {
        dataCategory: entry.dataCategory as string,
        fields,
        ...(maxAgeDays !== undefined && { maxAgeDays: maxAgeDays as number }),
      };
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, catalogue: { kinds: { ...DEFAULT_DOCUMENT_CATALOGUE.kinds, ...configured } } };
}
