import fc from 'fast-check';
import {
  flowStatistics,
  flowWindow,
  MAX_SUPERVISION_PERIODS,
  periodLabel,
  SUPERVISION_PERIODS,
  type EndedApplication,
  type LoanStage,
} from '#domain';

const at = (iso: string): Date => new Date(iso);

describe('periods of the supervisor view', () => {
  it('names days, ISO weeks (the year of their Thursday) and months in UTC', () => {
    expect(periodLabel(at('2026-12-03T23:59:59Z'), 'day')).toBe('2026-12-03');
    expect(periodLabel(at('2026-12-03T10:00:00Z'), 'month')).toBe('2026-12');
    expect(periodLabel(at('2026-12-03T10:00:00Z'), 'week')).toBe('2026-W49');
    // 2026 ends on a Thursday: its last days and 2027-01-01..03 are week 53 of 2026.
    expect(periodLabel(at('2027-01-03T12:00:00Z'), 'week')).toBe('2026-W53');
    expect(periodLabel(at('2027-01-04T00:00:00Z'), 'week')).toBe('2027-W01');
    // 2024-12-30 is a Monday of the week whose Thursday is in 2025.
    expect(periodLabel(at('2024-12-30T00:00:00Z'), 'week')).toBe('2025-W01');
    expect(periodLabel(at('2024-12-29T23:59:59Z'), 'week')).toBe('2024-W52');
  });

  it('widens a window to whole periods, and refuses dates the calendar lacks, reversed ones and too many periods', () => {
    expect(flowWindow('week', '2026-12-03', '2026-12-03')).toEqual({
      window: { period: 'week', from: at('2026-11-30T00:00:00Z'), until: at('2026-12-07T00:00:00Z') },
    });
    expect(flowWindow('month', '2026-11-15', '2026-12-01')).toEqual({
      window: { period: 'month', from: at('2026-11-01T00:00:00Z'), until: at('2027-01-01T00:00:00Z') },
    });
    expect(flowWindow('day', '2026-02-30', '2026-03-01')).toEqual({
      problems: [{ field: 'from', message: 'from must be a calendar date from 1970-01-01 on' }],
    });
    expect(flowWindow('day', '2026-03-02', '2026-03-01')).toEqual({
      problems: [{ field: 'to', message: 'to must not be before from' }],
    });
    expect(flowWindow('day', '2026-01-01', '2027-12-31')).toEqual({
      problems: [{ field: 'to', message: `a window holds at most ${MAX_SUPERVISION_PERIODS} periods of a day` }],
    });
    expect('window' in flowWindow('month', '1970-01-01', '2003-04-30')).toBe(true);
  });
});

const OUTCOMES: LoanStage[] = ['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'];

const endedApplication: fc.Arbitrary<EndedApplication> = fc
  .record({
    startedAt: fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z'), noInvalidDate: true }),
    seconds: fc.integer({ min: 0, max: 40 * 86_400 }),
    tenant: fc.constantFrom('bank-a', 'bank-b', '-dash'),
    direction: fc.constantFrom('northbound' as const, 'southbound' as const, 'unknown' as const),
    applicantType: fc.constantFrom('person' as const, 'company' as const, 'unknown' as const),
    outcome: fc.constantFrom(...OUTCOMES),
  })
  .map(({ seconds, ...rest }) => ({ ...rest, closedAt: new Date(rest.startedAt.getTime() + seconds * 1000) }));

describe('flowStatistics', () => {
  it('counts like a plain tally, publishing a cell only when it counts at least the threshold', () => {
    fc.assert(
      fc.property(
        fc.array(endedApplication, { maxLength: 120 }),
        fc.constantFrom(...SUPERVISION_PERIODS),
        fc.integer({ min: 1, max: 8 }),
        (ended, period, minCellCount) => {
          const { outcomes, decisionTimes } = flowStatistics(ended, { period, minCellCount });
          // The reference: one tally per combination, by hand.
          const tally = new Map<string, number>();
          for (const a of ended) {
            const key = [periodLabel(a.closedAt, period), a.tenant, a.direction, a.applicantType, a.outcome].join('|');
            tally.set(key, (tally.get(key) ?? 0) + 1);
          }
          expect(outcomes).toHaveLength(tally.size);
          for (const cell of outcomes) {
            const count = tally.get(
              [cell.period, cell.tenant, cell.direction, cell.applicantType, cell.outcome].join('|'),
            )!;
            if (count >= minCellCount) {
              expect(cell).toEqual(expect.objectContaining({ applications: count }));
              expect(cell.suppressed).toBeUndefined();
            } else {
              expect(cell).toEqual(expect.objectContaining({ applications: null, suppressed: true }));
            }
          }
          for (const cell of decisionTimes) {
            const decided = ended.filter(
              (a) =>
                (a.outcome === 'APPROVED' || a.outcome === 'DECLINED') &&
                periodLabel(a.closedAt, period) === cell.period &&
                a.tenant === cell.tenant &&
                a.direction === cell.direction,
            );
            expect(decided.length).toBeGreaterThan(0);
            if (decided.length >= minCellCount) {
              const seconds = decided.map((a) => (a.closedAt.getTime() - a.startedAt.getTime()) / 1000);
              expect(cell.decided).toBe(decided.length);
              expect(cell.medianSecondsToDecision).toBeGreaterThanOrEqual(Math.min(...seconds));
              expect(cell.medianSecondsToDecision).toBeLessThanOrEqual(Math.max(...seconds));
            } else {
              expect(cell).toEqual(
                expect.objectContaining({ decided: null, medianSecondsToDecision: null, suppressed: true }),
              );
            }
          }
        },
      ),
    );
  });

  it('gives the same cells in the same order whatever order the applications come in', () => {
    fc.assert(
      fc.property(
        fc
          .array(endedApplication, { maxLength: 60 })
          .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))),
        ([list, shuffled]) => {
          expect(flowStatistics(shuffled, { period: 'week', minCellCount: 2 })).toEqual(
            flowStatistics(list, { period: 'week', minCellCount: 2 }),
          );
        },
      ),
    );
  });

  it('takes the middle of an even count as the mean of the two middle times', () => {
    const base = { tenant: 'bank-a', direction: 'southbound', applicantType: 'person', outcome: 'APPROVED' } as const;
    const started = at('2026-11-02T00:00:00Z');
    const ended = [10, 20, 30, 1000].map((seconds) => ({
      ...base,
      startedAt: started,
      closedAt: new Date(started.getTime() + seconds * 1000),
    }));
    expect(flowStatistics(ended, { period: 'month', minCellCount: 4 }).decisionTimes).toEqual([
      { period: '2026-11', tenant: 'bank-a', direction: 'southbound', decided: 4, medianSecondsToDecision: 25 },
    ]);
  });
});
