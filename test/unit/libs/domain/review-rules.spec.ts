import { DEFAULT_POLICY, receivedState, Verdict, type Actor, type ApplicationState, type ReviewOutcome } from '#domain';
import {
  actorRefusal,
  approvalsRequired,
  claimRefusal,
  completeRefusal,
  consentRefusal,
  releaseRefusal,
  reportRefusal,
  withdrawalRefusal,
} from '#domain';
import { alice, bob, carol, HK_ISSUER, loanSystem, southboundConsent } from '#test-support/loan-parties';

const NOW = new Date('2026-12-01T00:00:00Z');

function application(
  overrides: Partial<ApplicationState> = {},
  amount = '100000.00',
  currency = 'HKD',
): ApplicationState {
  const state = receivedState('loan/bank-a/A-1', {
    tenant: 'bank-a',
    applicationId: 'A-1',
    loanSystemReference: 'LOS-1',
    product: 'sme-credit-line',
    requestedLimit: { amount, currency },
    applicantReference: 'pseudonym-1',
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
    submittedBy: 'maker-mary',
    policy: { ...DEFAULT_POLICY },
  });
  return { ...state, ...overrides };
}

const inReview = (review: Partial<NonNullable<ApplicationState['review']>> = {}, amount?: string): ApplicationState =>
  application(
    {
      stage: 'IN_REVIEW',
      verification: {
        verdict: Verdict.VERIFIED,
        reportHash: 'a'.repeat(64),
        chainId: '1',
        contract: '0x',
        checkedAtBlock: 1,
      },
      review: {
        round: 1,
        queue: 'HK-standard',
        escalated: false,
        dueAt: NOW.toISOString(),
        approvals: [],
        decisions: [],
        ...review,
      },
    },
    amount,
  );
const approve: ReviewOutcome = { kind: 'approve', recommendedLimit: { amount: '1000.00', currency: 'HKD' } };

describe('review rules', () => {
  describe('actorRefusal', () => {
    it('refuses an identity that is not canonical, and an actor of another tenant', () => {
      expect(actorRefusal(application(), { ...alice, subject: 'Alice' })?.kind).toBe('forbidden');
      expect(actorRefusal(application(), { ...alice, tenants: ['bank-b'] })?.message).toBe(
        'you do not serve this tenant',
      );
      expect(actorRefusal(application(), { subject: 'x' } as Actor)?.kind).toBe('invalid');
      expect(actorRefusal(application(), alice)).toBeUndefined();
    });
  });

  describe('consentRefusal', () => {
    const waiting = application({ stage: 'AWAITING_CONSENT' });
    it('takes a consent covering purpose, data category, direction, a trusted issuer, a future validity', () => {
      expect(consentRefusal(waiting, southboundConsent, NOW)).toBeUndefined();
    });
    it.each([
      ['purpose', { purposes: ['marketing'] }, 'consent.purposes'],
      ['data category', { dataCategories: ['bank-statement'] }, 'consent.dataCategories'],
      ['direction', { direction: 'northbound' as const }, 'consent.direction'],
      ['issuer shape', { issuer: 'not-an-address' }, 'consent.issuer'],
      ['validity', { validUntil: '2026-11-30T00:00:00Z' }, 'consent.validUntil'],
      ['text hash', { consentTextHash: 'C'.repeat(64) }, 'consent.consentTextHash'],
    ])('refuses a consent whose %s does not cover the application', (_name, change, field) => {
      expect(consentRefusal(waiting, { ...southboundConsent, ...change }, NOW)?.message).toContain(field);
    });
    it("refuses a document set's consent, or any other shape, as invalid with the reason, never throwing", () => {
      const perDocument = {
        purposes: ['credit-assessment'],
        direction: 'southbound',
        validUntil: '2027-12-31T00:00:00Z',
        kinds: { 'bank-statement': { dataCategories: ['bank-statement'], issuers: ['0x' + '1'.repeat(40)] } },
      };
      for (const consent of [
        perDocument,
        {},
        null,
        'consent',
        { ...southboundConsent, dataCategories: 'credit-report' },
      ])
        expect(consentRefusal(waiting, consent as never, NOW)).toEqual({
          kind: 'invalid',
          message: expect.stringContaining('this application verifies one credit report') as string,
        });
    });
    it('refuses an issuer the policy does not trust', () => {
      const strict = application({ stage: 'AWAITING_CONSENT' });
      strict.input.policy = { ...DEFAULT_POLICY, trustedIssuers: ['0x' + '1'.repeat(40)] };
      expect(consentRefusal(strict, southboundConsent, NOW)?.message).toContain('not an issuer policy');
    });
    it('takes consent once, and only while waiting for it', () => {
      expect(
        consentRefusal(
          application({ stage: 'AWAITING_REPORT', consent: { grant: southboundConsent } }),
          southboundConsent,
          NOW,
        )?.kind,
      ).toBe('conflict');
    });
  });

  describe('reportRefusal', () => {
    const waiting = application({ stage: 'AWAITING_REPORT', consent: { grant: southboundConsent } });
    const report = {
      reportHash: 'a'.repeat(64),
      scheme: 'sha256-raw-v1' as const,
      decisionFields: { score: 1, scoreBand: 'A' as const, delinquencyFlags: [] },
    };
    it('takes a report of the issuer consented to, whatever the address case', () => {
      expect(reportRefusal(waiting, { ...report, claimedIssuer: HK_ISSUER.toLowerCase() })).toBeUndefined();
    });
    it('refuses another issuer, a malformed batch, a second report', () => {
      expect(reportRefusal(waiting, { ...report, claimedIssuer: '0x' + '9'.repeat(40) })?.kind).toBe('invalid');
      expect(reportRefusal(waiting, { ...report, batch: { merkleRoot: '0x12', proof: [] } })?.kind).toBe('invalid');
      expect(reportRefusal({ ...waiting, report }, report)?.kind).toBe('conflict');
    });
  });

  describe('withdrawalRefusal', () => {
    it.each(['AWAITING_CONSENT', 'AWAITING_REPORT', 'VERIFYING', 'IN_REVIEW', 'DECIDING'] as const)(
      'allows withdrawal in %s while nothing is decided',
      (stage) => {
        expect(withdrawalRefusal(application({ stage }), false)).toBeUndefined();
      },
    );
    it.each(['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'] as const)('refuses it in %s', (stage) => {
      expect(withdrawalRefusal(application({ stage }), false)?.kind).toBe('conflict');
    });
    it('refuses it once the decision is fixed', () => {
      const decision = { outcome: 'DECLINED' as const, reasonCodes: ['X'], policyVersion: 'credit-policy-v1' };
      expect(withdrawalRefusal(application({ stage: 'DECIDING', decision }), false)?.kind).toBe('conflict');
    });
    it('refuses a second withdrawal', () => {
      expect(withdrawalRefusal(application({ stage: 'IN_REVIEW' }), true)?.kind).toBe('conflict');
    });
  });

  describe('approvalsRequired', () => {
    it.each([
      ['500000.00', 'HKD', 1],
      ['500000.01', 'HKD', 2],
      ['460000.00', 'CNY', 2],
      ['60000.00', 'USD', 1],
      ['64000.01', 'USD', 2],
    ])('%s %s needs %d approver(s)', (amount, currency, required) => {
      expect(approvalsRequired(application({}, amount, currency))).toBe(required);
    });
    it('asks for two when the policy has no threshold for the currency', () => {
      const state = application({}, '1.00', 'MOP');
      state.input.policy = { ...DEFAULT_POLICY, fourEyesThresholds: { HKD: '1.00' } };
      expect(approvalsRequired(state)).toBe(2);
    });
  });

  describe('claim, release and complete', () => {
    it('compares people by canonical identity for maker-checker, claims and four-eyes', () => {
      const maker = { ...alice, subject: 'maker-mary' };
      expect(claimRefusal(inReview(), maker, false)?.message).toContain('you submitted this application');
      const approved = inReview(
        { approvals: [{ reviewer: 'alice', outcome: approve, at: NOW.toISOString() }] },
        '900000.00',
      );
      expect(claimRefusal(approved, alice, false)?.message).toContain('second approver');
      expect(claimRefusal(approved, bob, false)).toBeUndefined();
    });
    it('keeps an escalated task for senior reviewers', () => {
      const escalated = inReview({ escalated: true, queue: 'HK-senior' });
      expect(claimRefusal(escalated, alice, false)?.kind).toBe('forbidden');
      expect(claimRefusal(escalated, carol, false)).toBeUndefined();
    });
    it('lets only the claimer release and decide, and refuses a second decision of a completed round', () => {
      const claimed = inReview({ claimedBy: 'alice' });
      expect(releaseRefusal(claimed, bob)?.kind).toBe('conflict');
      expect(releaseRefusal(claimed, alice)).toBeUndefined();
      expect(completeRefusal(claimed, bob, approve, false)?.kind).toBe('conflict');
      expect(completeRefusal(claimed, alice, approve, false)).toBeUndefined();
      expect(completeRefusal(claimed, alice, approve, true)?.message).toBe('the review is complete');
      expect(completeRefusal(inReview(), alice, approve, false)?.message).toBe('claim the task before deciding it');
    });
    it('refuses an approval of an unverified report, in another currency, and a decline without reasons', () => {
      const unverified = { ...inReview({ claimedBy: 'alice' }), verification: undefined };
      expect(completeRefusal(unverified, alice, approve, false)?.kind).toBe('conflict');
      const usd: ReviewOutcome = { kind: 'approve', recommendedLimit: { amount: '1.00', currency: 'USD' } };
      expect(completeRefusal(inReview({ claimedBy: 'alice' }), alice, usd, false)?.kind).toBe('invalid');
      expect(
        completeRefusal(inReview({ claimedBy: 'alice' }), alice, { kind: 'decline', reasonCodes: [] }, false)?.kind,
      ).toBe('invalid');
      expect(completeRefusal(inReview({ claimedBy: 'alice' }), alice, { kind: 'approved' } as never, false)?.kind).toBe(
        'invalid',
      );
    });
    it('refuses the loan system as a reviewer', () => {
      expect(claimRefusal(inReview(), loanSystem, false)?.kind).toBe('forbidden');
    });
  });
});
