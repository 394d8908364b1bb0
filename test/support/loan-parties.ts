import { Wallet } from 'ethers';
import type { Actor, ConsentGrant } from '#domain';
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
