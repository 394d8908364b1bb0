/**
 * What a loan system sends for one application in the load runs (bench:e2e, bench:scale, fault
 * injection): the same bodies everywhere, so every run measures the same path. A southbound
 * application reviewed in Hong Kong, under the four-eyes threshold so that one approval decides,
 * with consent for the HK development agency and a report that agency anchored in a batch. Typed by
 * the API's OpenAPI document (#client), so a body the API no longer takes fails to compile.
 */
import { createHash } from 'node:crypto';
import { Wallet } from 'ethers';
import { type Schemas } from '#client';
import { type AnchoredReport } from './anchored-reports.js';
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
