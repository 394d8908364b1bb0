import fc from 'fast-check';
import {
  ALL_LENDERS,
  flowStatistics,
  flowWindow,
  MAX_SUPERVISION_PERIODS,
  periodLabel,
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

  const clock = { now: at('2026-12-03T10:00:00Z'), retentionMs: 90 * 86_400_000 };

  it('widens a window to whole periods, and refuses dates the calendar lacks, reversed ones and too many periods', () => {
    expect(flowWindow('week', '2026-11-04', '2026-11-04', clock)).toEqual({
      window: { period: 'week', from: at('2026-11-02T00:00:00Z'), until: at('2026-11-09T00:00:00Z') },
    });
    expect(flowWindow('month', '2026-10-15', '2026-11-01', clock)).toEqual({
      window: { period: 'month', from: at('2026-10-01T00:00:00Z'), until: at('2026-12-01T00:00:00Z') },
    });
    expect(flowWindow('day', '2026-02-30', '2026-03-01', clock)).toMatchObject({
      problems: [{ field: 'from', message: 'from must be a calendar date from 1970-01-01 on' }],
    });
    expect(flowWindow('day', '2026-11-02', '2026-11-01', clock)).toEqual({
      problems: [{ field: 'to', message: 'to must not be before from' }],
    });
    const long = { now: at('2027-06-01T00:00:00Z'), retentionMs: 3650 * 86_400_000 };
    expect(flowWindow('day', '2026-01-01', '2026-12-31', long)).toEqual({
      problems: [{ field: 'to', message: `a window holds at most ${MAX_SUPERVISION_PERIODS} periods of a day` }],
    });
  });

  it('counts only periods that have ended, and only those whose applications Temporal still keeps', () => {
    // Today, this week and this month are still under way: each application that ends would show.
    expect(flowWindow('day', '2026-12-02', '2026-12-02', clock)).toHaveProperty('window');
    for (const [period, day] of [
      ['day', '2026-12-03'],
      ['week', '2026-12-01'],
      ['month', '2026-12-01'],
      ['day', '9999-12-31'],
    ] as const) {
      expect(flowWindow(period, day, day, clock)).toEqual({
        problems: [
          {
            field: 'to',
            message: `to must fall in a ${period} that ended an hour ago or more: a period is counted once it is over`,
          },
        ],
      });
    }
    // Periods reaching back past the retention (90 days) would count short, and shrink as it passes.
    expect(flowWindow('day', '2026-09-05', '2026-09-05', clock)).toHaveProperty('window');
    expect(flowWindow('day', '2026-09-04', '2026-09-05', clock)).toHaveProperty('problems');
    expect(flowWindow('month', '2026-09-04', '2026-09-04', clock)).toEqual({
      problems: [
        {
          field: 'from',
          message:
            'from must fall in a month that began within the last 90 days, the time Temporal keeps ended applications',
        },
      ],
    });
  });
});

const OUTCOMES: LoanStage[] = ['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'];

const WINDOW = { period: 'day' as const, from: at('2026-11-01T00:00:00Z'), until: at('2026-11-08T00:00:00Z') };

const endedApplication: fc.Arbitrary<EndedApplication> = fc
  .record({
    closedAt: fc.date({ min: WINDOW.from, max: new Date(WINDOW.until.getTime() - 1), noInvalidDate: true }),
    seconds: fc.integer({ min: 0, max: 40 * 86_400 }),
    tenant: fc.constantFrom('bank-a', 'bank-b', '-dash'),
    direction: fc.constantFrom('northbound' as const, 'southbound' as const, 'unknown' as const),
    applicantType: fc.constantFrom('person' as const, 'company' as const),
    outcome: fc.constantFrom(...OUTCOMES),
  })
  .map(({ seconds, ...rest }) => ({ ...rest, startedAt: new Date(rest.closedAt.getTime() - seconds * 1000) }));

const key = (...values: string[]): string => values.join('|');

describe('flowStatistics', () => {
  it('has the same cells whatever happened; a count under the threshold (none included) is withheld, the others rounded', () => {
    fc.assert(
      fc.property(
        fc.array(endedApplication, { maxLength: 150 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom([], ['bank-a'], ['-dash', 'bank-a', 'bank-z']),
        (ended, minCellCount, scope) => {
          const { outcomes, decisionTimes } = flowStatistics(ended, { window: WINDOW, tenants: scope, minCellCount });
          // 7 days, each tenant of the scope (or all together), 3 directions, 3 applicant types, 5 outcomes.
          const tenants = scope.length > 0 ? scope : [ALL_LENDERS];
          expect(outcomes).toHaveLength(7 * tenants.length * 3 * 3 * OUTCOMES.length);
          expect(decisionTimes).toHaveLength(7 * tenants.length * 3);
          expect(new Set(outcomes.map((cell) => cell.tenant))).toEqual(new Set(tenants));
          const tenantOf = (a: EndedApplication): string => (scope.length > 0 ? a.tenant : ALL_LENDERS);
          // The reference: a plain tally.
          const tally = new Map<string, number>();
          for (const a of ended) {
            const k = key(periodLabel(a.closedAt, 'day'), tenantOf(a), a.direction, a.applicantType, a.outcome);
            tally.set(k, (tally.get(k) ?? 0) + 1);
          }
          for (const cell of outcomes) {
            const count =
              tally.get(key(cell.period, cell.tenant, cell.direction, cell.applicantType, cell.outcome)) ?? 0;
            if (count < minCellCount) {
              expect(cell).toMatchObject({ applications: null, suppressed: true });
            } else {
              expect(cell.suppressed).toBeUndefined();
              expect(cell.applications! % minCellCount).toBe(0);
              expect(cell.applications).toBeGreaterThanOrEqual(minCellCount);
              expect(Math.abs(cell.applications! - count)).toBeLessThanOrEqual(minCellCount / 2);
            }
          }
          for (const cell of decisionTimes) {
            const decided = ended.filter(
              (a) =>
                (a.outcome === 'APPROVED' || a.outcome === 'DECLINED') &&
                key(periodLabel(a.closedAt, 'day'), tenantOf(a), a.direction) ===
                  key(cell.period, cell.tenant, cell.direction),
            );
            if (decided.length < minCellCount) {
              expect(cell).toMatchObject({ medianHoursToDecision: null, suppressed: true });
            } else {
              const hours = decided.map((a) => (a.closedAt.getTime() - a.startedAt.getTime()) / 3_600_000);
              expect(Number.isInteger(cell.medianHoursToDecision)).toBe(true);
              expect(cell.medianHoursToDecision).toBeGreaterThanOrEqual(Math.floor(Math.min(...hours)));
              expect(cell.medianHoursToDecision).toBeLessThanOrEqual(Math.ceil(Math.max(...hours)));
            }
          }
        },
      ),
    );
  });

  it("gives every tenant of a supervisor's list its cells, and none of another tenant", () => {
    const base = { direction: 'southbound', applicantType: 'person', outcome: 'APPROVED' } as const;
    const closedAt = at('2026-11-03T12:00:00Z');
    const ended = [{ ...base, tenant: 'bank-a', startedAt: closedAt, closedAt }];
    const { outcomes } = flowStatistics(ended, { window: WINDOW, tenants: ['bank-c', 'bank-b'], minCellCount: 1 });
    expect(new Set(outcomes.map((cell) => cell.tenant))).toEqual(new Set(['bank-b', 'bank-c']));
    expect(outcomes.every((cell) => cell.suppressed)).toBe(true);
  });

  it('gives the same cells in the same order whatever order the applications come in', () => {
    fc.assert(
      fc.property(
        fc
          .array(endedApplication, { maxLength: 60 })
          .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))),
        ([list, shuffled]) => {
          const options = { window: WINDOW, tenants: [], minCellCount: 2 };
          expect(flowStatistics(shuffled, options)).toEqual(flowStatistics(list, options));
        },
      ),
    );
  });

  it('takes the middle of an even count as the mean of the two middle times, in whole hours', () => {
    const base = { tenant: 'bank-a', direction: 'southbound', applicantType: 'person', outcome: 'APPROVED' } as const;
    const closedAt = at('2026-11-05T12:00:00Z');
    const ended = [1, 2, 3, 100].map((hours) => ({
      ...base,
      startedAt: new Date(closedAt.getTime() - hours * 3_600_000),
      closedAt,
    }));
    const { decisionTimes } = flowStatistics(ended, { window: WINDOW, tenants: [], minCellCount: 4 });
    // (2 h + 3 h) / 2, in whole hours.
    expect(decisionTimes.filter((cell) => !cell.suppressed)).toEqual([
      { period: '2026-11-05', tenant: ALL_LENDERS, direction: 'southbound', medianHoursToDecision: 3 },
    ]);
  });
});
