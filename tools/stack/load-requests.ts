/**
 * What a loan system sends for one application in the load runs (bench:e2e, bench:scale, fault
 * injection): the same bodies everywhere, so every run measures the same path. A southbound
 * application reviewed in Hong Kong, under the four-eyes threshold so that one approval decides,
 * with consent for the HK development agency and a report that agency anchored in a batch. Typed by
 * the API's OpenAPI document (#client), so a body the API no longer takes fails to compile.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { type Schemas } from '#client';
import { DEFAULT_DOCUMENT_REQUIREMENTS, requirementFor, resolveRequirement, StandardDocumentKind } from '#domain';
import { anchorBatchOf, type AnchoredReport, type LedgerLocation } from './anchored-reports.js';
import { DEV_KEYS } from './dev-ledger.js';

const HK_ISSUER = new Wallet(DEV_KEYS.issuerHK).address;
/** Below the default policy's four-eyes threshold (500,000.00): one approval decides. */
export const REQUESTED_LIMIT: Schemas['MoneyDto'] = { amount: '120000.00', currency: 'HKD' };
/** What the reviewer approves. */
export const RECOMMENDED_LIMIT: Schemas['MoneyDto'] = { amount: '100000.00', currency: 'HKD' };

export function createBody(applicationId: string): Schemas['CreateApplicationDto'] {
  return {
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    requestedLimit: REQUESTED_LIMIT,
    applicantReference: `pseudonym-${applicationId}`,
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  };
}

/** Consent captured a second ago, valid for a year; `consentText` names the run's consent wording. */
export function consentBody(consentText: string): Schemas['ConsentDto'] {
  return {
    purposes: ['credit-assessment'],
    dataCategories: ['credit-report'],
    direction: 'southbound',
    issuer: HK_ISSUER,
    validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    consentTextHash: createHash('sha256').update(consentText).digest('hex'),
    channel: 'mobile-app',
    capturedAt: new Date(Date.now() - 1_000).toISOString(),
  };
}

/** The report's hash with its Merkle proof, and the decision fields the policy reads. */
export function creditReportBody(report: AnchoredReport): Schemas['ReportHashDto'] {
  return {
    reportHash: report.reportHash,
    scheme: 'sha256-raw-v1',
    claimedIssuer: HK_ISSUER,
    batch: report.batch,
    decisionFields: { score: 742, scoreBand: 'A', delinquencyFlags: [] },
  };
}

// ---------------------------------------------------------------------------------------------
// A company's document set (credit-policy-v2): a southbound SME with its corporate report, six
// months of statements and its owner's report.

const BANK_HK = new Wallet(DEV_KEYS.bankHK).address;

/** One company's documents, anchored before a run: each with its batch proof. */
export interface CompanyDocuments {
  company: AnchoredReport;
  owner: AnchoredReport;
  /** Oldest month first, one per month the requirement names. */
  statements: AnchoredReport[];
}

/** The keys of a southbound company's set created now: the requirement, resolved as the workflow will. */
export function companyDocumentKeys(now = new Date()): { statements: { key: string; month: string }[] } {
  const found = requirementFor(DEFAULT_DOCUMENT_REQUIREMENTS, {
    product: 'sme-credit-line',
    applicantType: 'company',
    direction: 'southbound',
  });
  if (!found.ok) throw new Error('no requirement for a southbound company');
  const resolved = resolveRequirement(found.requirement, now.toISOString());
  if (!resolved.ok) throw new Error(resolved.problem.message);
  return {
    statements: resolved.documents
      .filter((d) => d.kind === StandardDocumentKind.BANK_STATEMENT)
      .map((d) => ({ key: d.key, month: d.month! })),
  };
}

/**
 * `count` companies' documents, anchored as the issuers would: the HK agency's corporate and
 * owner reports in one batch per kind, the HK bank's statements in one batch.
 */
export async function anchorCompanyDocuments(
  ledger: LedgerLocation,
  count: number,
  label: string,
): Promise<CompanyDocuments[]> {
  const months = companyDocumentKeys().statements.length;
  const file = (what: string) => Buffer.from(`%PDF-1.7 ${label} ${what} ${randomBytes(16).toString('hex')}`);
  const indices = Array.from({ length: count }, (_, i) => i);
  const [companies, owners, statements] = await Promise.all([
    anchorBatchOf(
      ledger,
      DEV_KEYS.issuerHK,
      StandardDocumentKind.CORPORATE_CREDIT_REPORT,
      indices.map((i) => file(`corporate report #${i}`)),
    ),
    anchorBatchOf(
      ledger,
      DEV_KEYS.issuerHK,
      StandardDocumentKind.PERSONAL_CREDIT_REPORT,
      indices.map((i) => file(`owner report #${i}`)),
    ),
    anchorBatchOf(
      ledger,
      DEV_KEYS.bankHK,
      StandardDocumentKind.BANK_STATEMENT,
      indices.flatMap((i) => Array.from({ length: months }, (_, m) => file(`statement #${i}/${m}`))),
    ),
  ]);
  return indices.map((i) => ({
    company: companies[i]!,
    owner: owners[i]!,
    statements: statements.slice(i * months, (i + 1) * months),
  }));
}

export function companyCreateBody(applicationId: string): Schemas['CreateApplicationDto'] {
  return { ...createBody(applicationId), applicantType: 'company' };
}

/** The consent per document: the agency for the reports, the bank for the statements. */
export function documentConsentBody(consentText: string): Schemas['DocumentConsentDto'] {
  const scope = (category: string, issuer: string) => ({ dataCategories: [category], issuers: [issuer] });
  return {
    purposes: ['credit-assessment'],
    direction: 'southbound',
    validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    consentTextHash: createHash('sha256').update(consentText).digest('hex'),
    channel: 'mobile-app',
    capturedAt: new Date(Date.now() - 1_000).toISOString(),
    kinds: {
      [StandardDocumentKind.CORPORATE_CREDIT_REPORT]: scope('corporate-credit-report', HK_ISSUER),
      [StandardDocumentKind.BANK_STATEMENT]: scope('bank-statement', BANK_HK),
    },
    documents: { 'owner-credit-report': scope('credit-report', HK_ISSUER) },
  };
}

/**
 * The eight submissions, statements first. Inflows of HKD 120,000 a month by default, well above
 * the cap REQUESTED_LIMIT needs; a test of the cap names its own.
 */
export function documentBodies(
  documents: CompanyDocuments,
  { monthlyInflowsMinor = '12000000' }: { monthlyInflowsMinor?: string } = {},
): Schemas['DocumentSubmissionDto'][] {
  const hkd = (minorUnits: string) => ({ minorUnits, currency: 'HKD' });
  const { statements: months } = companyDocumentKeys();
  const byHash = (anchored: AnchoredReport) => ({
    documentHash: anchored.reportHash,
    issuer: anchored.issuer,
    batch: anchored.batch,
  });
  return [
    ...months.map(({ key, month }, m) => ({
      documentKey: key,
      ...byHash(documents.statements[m]!),
      fields: { month, averageBalance: hkd('5000000'), totalInflows: hkd(monthlyInflowsMinor) },
    })),
    { documentKey: 'company-credit-report', ...byHash(documents.company), fields: { rating: 'A', score: 700 } },
    {
      documentKey: 'owner-credit-report',
      ...byHash(documents.owner),
      fields: { score: 742, scoreBand: 'A', delinquencies: 0 },
    },
  ];
}
