/**
 * The demo's applications, one per situation a newcomer should see: waiting for the applicant, in
 * review (plain, four eyes half done, claimed, an unanchored report, escalated), and each way an
 * application ends. Amounts above 500,000.00 need two approvers (the default four-eyes threshold).
 */
import { randomBytes } from 'node:crypto';
import { type Schemas } from '#client';
import { type DecisionFields, type LoanStage } from '#domain';
import { type NewApplication } from './lendbridge-api.js';
import { type DemoContext, LoanJourney } from './loan-journey.js';

export interface Scenario {
  /** What the application shows, as the summary says it. */
  title: string;
  amount: string;
  /** The stage the demo leaves it in. */
  stage: LoanStage;
  /** Started straight through Temporal with a review SLA of seconds (see escalation.ts). */
  escalates?: boolean;
  /** Who applies, where to, in what currency, when not a southbound person in HKD. */
  applicant?: Pick<NewApplication, 'applicantType' | 'direction'> & {
    currency?: NewApplication['requestedLimit']['currency'];
  };
  drive(journey: LoanJourney): Promise<void>;
}

const GOOD: DecisionFields = { score: 742, scoreBand: 'A', delinquencyFlags: [] };
const FAIR: DecisionFields = { score: 655, scoreBand: 'B', delinquencyFlags: [] };
const WEAK: DecisionFields = { score: 590, scoreBand: 'C', delinquencyFlags: [] };

const hkd = (amount: string): Schemas['MoneyDto'] => ({ amount, currency: 'HKD' });

/** To review: consent, the agency's report (anchored unless said otherwise), upload, verification. */
async function toReview(journey: LoanJourney, fields: DecisionFields, anchor = true): Promise<void> {
  await journey.issueReport(fields, { anchor });
  await journey.grantConsent();
  await journey.uploadReport();
}

export const SCENARIOS: Scenario[] = [
  {
    title: 'waiting for consent',
    amount: '80000.00',
    stage: 'AWAITING_CONSENT',
    drive: async (j: LoanJourney): Promise<void> => await j.create(),
  },
  {
    title: 'waiting for consent',
    amount: '150000.00',
    stage: 'AWAITING_CONSENT',
    drive: async (j: LoanJourney): Promise<void> => await j.create(),
  },
  {
    title: 'consent given, waiting for the credit report',
    amount: '220000.00',
    stage: 'AWAITING_REPORT',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await j.grantConsent({ waitForEvidence: true });
    },
  },
  {
    title: 'in review, open to any HK reviewer',
    amount: '350000.00',
    stage: 'IN_REVIEW',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, FAIR);
    },
  },
  {
    title: 'in review, four eyes: alice approved, a second approver is needed',
    amount: '750000.00',
    stage: 'IN_REVIEW',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, GOOD);
      await j.claim('alice');
      await j.approve('alice', hkd('700000.00'));
    },
  },
  {
    title: 'in review, claimed by bob and left open',
    amount: '180000.00',
    stage: 'IN_REVIEW',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, FAIR);
      await j.claim('bob');
    },
  },
  {
    title: 'in review with a report the ledger does not know (NOT_ANCHORED)',
    amount: '260000.00',
    stage: 'IN_REVIEW',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, FAIR, false);
    },
  },
  {
    title: 'escalated to the senior queue after its review SLA',
    amount: '420000.00',
    stage: 'IN_REVIEW',
    escalates: true,
    // Created through Temporal by the caller; from here on the API as usual.
    drive: async (j: LoanJourney): Promise<void> => await toReview(j, GOOD),
  },
  {
    title: 'approved by one reviewer',
    amount: '300000.00',
    stage: 'APPROVED',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, FAIR);
      await j.claim('alice');
      await j.approve('alice', hkd('250000.00'));
      await j.awaitDecision();
    },
  },
  {
    title: 'approved with four eyes (alice, then bob)',
    amount: '900000.00',
    stage: 'APPROVED',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, GOOD);
      await j.claim('alice');
      await j.approve('alice', hkd('850000.00'));
      await j.claim('bob');
      await j.approve('bob', hkd('800000.00'));
      await j.awaitDecision();
    },
  },
  {
    title: 'northbound: a Hong Kong resident borrowing in Shenzhen on an HK bureau report, approved in CNY',
    amount: '200000.00',
    stage: 'APPROVED',
    applicant: { applicantType: 'person', direction: 'northbound', currency: 'CNY' },
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, GOOD);
      await j.claim('alice');
      await j.approve('alice', { amount: '180000.00', currency: 'CNY' });
      await j.awaitDecision();
    },
  },
  {
    title: 'southbound SME: corporate report, six statements (one bank batch), owner report; line capped at 3x inflows',
    amount: '450000.00',
    stage: 'APPROVED',
    applicant: { applicantType: 'company', direction: 'southbound' },
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await j.bringCompanyDocuments('12000000'); // HKD 120,000 a month: the cap is HKD 360,000
      await j.claim('bob');
      await j.approve('bob', hkd('400000.00'));
      await j.awaitDecision();
    },
  },
  {
    title: 'declined by a reviewer',
    amount: '480000.00',
    stage: 'DECLINED',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, WEAK);
      await j.claim('bob');
      await j.decline('bob', ['insufficient-income']);
      await j.awaitDecision();
    },
  },
  {
    title: 'withdrawn by the loan system during review',
    amount: '120000.00',
    stage: 'WITHDRAWN',
    drive: async (j: LoanJourney): Promise<void> => {
      await j.create();
      await toReview(j, FAIR);
      await j.withdraw('applicant-request');
    },
  },
];

/** The application behind a scenario: ids unique to the run, a fresh pseudonym for the applicant. */
export function journeyFor(ctx: DemoContext, scenario: Scenario): LoanJourney {
  const number = String(SCENARIOS.indexOf(scenario) + 1).padStart(2, '0');
  const application: NewApplication = {
    applicationId: `${ctx.run}-${number}`,
    loanSystemReference: `LOS-${ctx.run.slice('DEMO-'.length)}-${number}`,
    product: 'sme-credit-line',
    requestedLimit: { amount: scenario.amount, currency: scenario.applicant?.currency ?? 'HKD' },
    applicantReference: `pseudonym-${randomBytes(6).toString('hex')}`,
    applicantType: scenario.applicant?.applicantType ?? 'person',
    direction: scenario.applicant?.direction ?? 'southbound',
    reviewJurisdiction: 'HK',
  };
  return new LoanJourney(ctx, application);
}

/** This run's id prefix: the time it started, in UTC, to the second. */
export function runId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15); // 20261121T083600
  return `DEMO-${stamp.slice(0, 8)}-${stamp.slice(9, 15)}`;
}
