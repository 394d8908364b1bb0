import { Wallet } from 'ethers';
import {
  DEFAULT_DOCUMENT_CONFIGURATION,
  documentRulesFor,
  documentSetPolicy,
  type Actor,
  type ApplicantType,
  type ApplicationPolicy,
  type ConsentGrant,
  type Direction,
  type DocumentConsentGrant,
} from '#domain';
import { DEV_KEYS } from '#stack/dev-ledger';

/** Who acts on applications in the tests, as the API would authenticate them (canonical subjects). */
export const loanSystem: Actor = {
  subject: 'los-bank-a',
  roles: ['loan-system'],
  jurisdictions: [],
  tenants: ['bank-a'],
};
export const alice: Actor = { subject: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };
export const bob: Actor = { subject: 'bob', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };
export const carol: Actor = {
  subject: 'carol',
  roles: ['senior-reviewer'],
  jurisdictions: ['HK'],
  tenants: ['bank-a'],
};

/** The demo HK agency: the issuer a southbound applicant's consent covers. */
export const HK_ISSUER = new Wallet(DEV_KEYS.issuerHK).address;

/** A consent covering a southbound application's credit report from the HK agency. */
export const southboundConsent: ConsentGrant = {
  purposes: ['credit-assessment'],
  dataCategories: ['credit-report'],
  direction: 'southbound',
  issuer: HK_ISSUER,
  // Far ahead: the time-skipping server's clock jumps to the next timer whenever it is idle.
  validUntil: '9999-12-31T23:59:59.000Z',
  consentTextHash: 'c'.repeat(64),
  channel: 'mobile-app',
  capturedAt: '2026-11-20T09:00:00.000Z',
};

/** A bank that issues the company's statements (any well-formed address where the ledger is a stub). */
export const STATEMENT_BANK = `0x${'1b'.repeat(20)}`;

/**
 * The document-set policy (credit-policy-v2) of an applicant type and direction under the default
 * requirements, as the standalone API gives it to a company: its slots and kinds in the policy.
 */
export function setPolicyFor(
  applicantType: ApplicantType = 'company',
  direction: Direction = 'southbound',
): ApplicationPolicy {
  const found = documentRulesFor(DEFAULT_DOCUMENT_CONFIGURATION, {
    product: 'sme-credit-line',
    applicantType,
    direction,
  });
  if (!found.ok)
    throw new Error(`no default requirement for a ${direction} ${applicantType}: ${found.problem.message}`);
  return documentSetPolicy(found.rules);
}

/** A southbound company's consent: its own reports and statements by kind, its owner's report by key. */
export function companyConsent(overrides: Partial<DocumentConsentGrant> = {}): DocumentConsentGrant {
  return {
    purposes: ['credit-assessment'],
    direction: 'southbound',
    validUntil: '9999-12-31T23:59:59.000Z',
    consentTextHash: 'c'.repeat(64),
    channel: 'mobile-app',
    capturedAt: '2026-01-01T00:00:00Z',
    kinds: {
      'corporate-credit-report': { dataCategories: ['corporate-credit-report'], issuers: [HK_ISSUER] },
      'bank-statement': { dataCategories: ['bank-statement'], issuers: [STATEMENT_BANK] },
    },
    documents: { 'owner-credit-report': { dataCategories: ['credit-report'], issuers: [HK_ISSUER] } },
    ...overrides,
  };
}
