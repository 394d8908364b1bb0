/**
 * Who applies and what they bring: an applicant is a person or a company (still only a pseudonymous
 * reference), and each document has a kind. A kind is named in configuration and on the ledger by
 * the same string; the ledger stores a short id derived from the name (see #hashing's
 * documentKindId), so a name is the one identity of a kind everywhere.
 */
export const APPLICANT_TYPES = ['person', 'company'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

export function isApplicantType(value: unknown): value is ApplicantType {
  return typeof value === 'string' && (APPLICANT_TYPES as readonly string[]).includes(value);
}

/** The kinds lendbridge ships with; a deployment may configure more. */
export const StandardDocumentKind = {
  PERSONAL_CREDIT_REPORT: 'personal-credit-report',
  CORPORATE_CREDIT_REPORT: 'corporate-credit-report',
  BANK_STATEMENT: 'bank-statement',
  BUSINESS_REGISTRATION: 'business-registration',
} as const;
export type StandardDocumentKind = (typeof StandardDocumentKind)[keyof typeof StandardDocumentKind];
export const STANDARD_DOCUMENT_KINDS: readonly StandardDocumentKind[] = Object.values(StandardDocumentKind);

/**
 * A kind's name: lowercase words joined by single hyphens, 3 to 48 characters. Narrow on purpose:
 * it travels in URLs, search attributes, reason codes and the ledger's kind id.
 */
export const DOCUMENT_KIND_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const DOCUMENT_KIND_NAME_MAX_LENGTH = 48;

export function isDocumentKindName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 3 &&
    value.length <= DOCUMENT_KIND_NAME_MAX_LENGTH &&
    DOCUMENT_KIND_NAME_PATTERN.test(value)
  );
}
