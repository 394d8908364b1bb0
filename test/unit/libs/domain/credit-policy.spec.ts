import { decideCreditLine, DeclineReason, type DecisionFields, type ReviewDecision } from '#domain';

const requested = { amount: '100000.00', currency: 'HKD' };
const clean: DecisionFields = { score: 720, scoreBand: 'A', delinquencyFlags: [] };
const approve = (amount: string, currency = 'HKD'): ReviewDecision => ({
  reviewer: 'alice',
  at: '2026-11-01T00:00:00.000Z',
  outcome: { kind: 'approve', recommendedLimit: { amount, currency } },
});
const decide = (fields: DecisionFields, approvals: ReviewDecision[] = []) =>
  decideCreditLine('credit-policy-v1', { requested, fields, approvals, decidedAt: '2026-11-01T00:00:00.000Z' });

describe('credit-policy-v1', () => {
  it('grants a share of the requested limit by score band, with a 30-day offer', () => {
    expect(decide(clean)).toEqual({
      outcome: 'APPROVED',
      limit: { amount: '100000.00', currency: 'HKD' },
      offerExpiresAt: '2026-12-01T00:00:00.000Z',
      policyVersion: 'credit-policy-v1',
    });
    expect(decide({ ...clean, scoreBand: 'B' })).toMatchObject({ limit: { amount: '75000.00' } });
    expect(decide({ ...clean, scoreBand: 'C' })).toMatchObject({ limit: { amount: '50000.00' } });
  });

  it("never exceeds the lowest reviewer's recommendation", () => {
    expect(decide(clean, [approve('80000.00'), approve('60000.50')])).toMatchObject({ limit: { amount: '60000.50' } });
    expect(decide({ ...clean, scoreBand: 'C' }, [approve('90000.00')])).toMatchObject({
      limit: { amount: '50000.00' },
    });
  });

  it('declines low score bands and delinquencies, naming every reason', () => {
    expect(decide({ ...clean, scoreBand: 'D', delinquencyFlags: ['90_DAYS_PAST_DUE'] })).toEqual({
      outcome: 'DECLINED',
      reasonCodes: [DeclineReason.SCORE_BAND, DeclineReason.DELINQUENCY],
      policyVersion: 'credit-policy-v1',
    });
  });

  it('declines a recommendation in another currency rather than converting it', () => {
    expect(decide(clean, [approve('80000.00', 'CNY')])).toMatchObject({
      outcome: 'DECLINED',
      reasonCodes: [DeclineReason.CURRENCY],
    });
  });

  it('refuses an unknown policy version', () => {
    expect(() =>
      decideCreditLine('credit-policy-v0', {
        requested,
        fields: clean,
        approvals: [],
        decidedAt: '2026-11-01T00:00:00Z',
      }),
    ).toThrow(/unknown credit policy version/);
  });
});
