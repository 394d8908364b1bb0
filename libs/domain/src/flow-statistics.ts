/**
 * What a supervisor sees of the cross-border flows: counts per calendar period and dimension,
 * never an application, an applicant, a reviewer or an amount. Nobody may be singled out, not even
 * by combining answers, so:
 * - every combination of the dimensions is a cell, whether anything happened or not, and a count
 *   under the threshold (0 included) is withheld: a withheld cell says neither "none" nor "one";
 * - a published count is rounded to a multiple of the threshold, so that subtracting one answer
 *   from another (a week minus its days) gives bounds blurred by the rounding, not a count;
 * - there are no totals;
 * - only periods that ended an hour ago or more, and whose applications are all still in
 *   visibility, are counted: a period still under way would change with each application that
 *   ends, one by one.
 */
import { DIRECTIONS, TERMINAL_STAGES, type Direction, type LoanStage } from './application.js';
import { APPLICANT_TYPES, type ApplicantType } from './document-kinds.js';

export const SUPERVISION_PERIODS = ['day', 'week', 'month'] as const;
export type SupervisionPeriod = (typeof SUPERVISION_PERIODS)[number];

/** The tenant of the cells of a supervisor whose token names no lenders: all of them together. */
export const ALL_LENDERS = '*';

/** A published period is one that ended at least this long ago: visibility catches up meanwhile. */
export const PUBLICATION_DELAY_MS = 3_600_000;

const DAY_MS = 86_400_000;

/** The start (UTC midnight) of the period `at` falls in; weeks start on Monday (ISO 8601). */
export function periodStart(at: Date, period: SupervisionPeriod): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (period === 'day') return day;
  if (period === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS);
}

/** The start of the period after the one `start` begins. */
export function nextPeriodStart(start: Date, period: SupervisionPeriod): Date {
  if (period === 'day') return new Date(start.getTime() + DAY_MS);
  if (period === 'week') return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** The period's name: `2026-12-03`, `2026-W49` (ISO week-numbering year) or `2026-12`. */
export function periodLabel(at: Date, period: SupervisionPeriod): string {
  const start = periodStart(at, period);
  const iso = start.toISOString();
  if (period === 'day') return iso.slice(0, 10);
  if (period === 'month') return iso.slice(0, 7);
  // The ISO week belongs to the year of its Thursday.
  const thursday = new Date(start.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** One application that ended, as visibility tells it: dimensions and times, nothing that names it. */
export interface EndedApplication {
  startedAt: Date;
  closedAt: Date;
  tenant: string;
  /** Unknown for an application whose workflow recorded none (started before it was recorded). */
  direction: Direction | 'unknown';
  applicantType: ApplicantType | 'unknown';
  /** The terminal stage; FAILED for a run ended from outside (terminated, timed out). */
  outcome: LoanStage;
}

interface Suppressible {
  /** Present, and true, when the cell counted too few applications to publish its figures. */
  suppressed?: true;
}

export interface OutcomeCell extends Suppressible {
  period: string;
  tenant: string;
  direction: string;
  applicantType: string;
  outcome: string;
  /** Null when suppressed. */
  applications: number | null;
}

export interface DecisionTimeCell extends Suppressible {
  period: string;
  tenant: string;
  direction: string;
  /**
   * Median hours (rounded) from creation to the end of the workflow, over the applications approved
   * or declined; null when they were fewer than the threshold. Whole hours, so that it is never one
   * application's time to the second; no count, since with the outcome cells it would be a total.
   */
  medianHoursToDecision: number | null;
}

export interface FlowStatistics {
  outcomes: OutcomeCell[];
  decisionTimes: DecisionTimeCell[];
}

const DECIDED: readonly LoanStage[] = ['APPROVED', 'DECLINED'];

/** The median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Groups by a list of dimension values (JSON of the list: no separator can be confused with a value). */
function groupBy<T>(items: readonly T[], key: (item: T) => string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = JSON.stringify(key(item));
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Rounds a count of at least `base` to the nearest multiple of `base`. */
function rounded(count: number, base: number): number {
  return Math.max(base, Math.round(count / base) * base);
}

/** The labels of the periods of a window, in order. */
function periodLabels(window: FlowWindow): string[] {
  const labels: string[] = [];
  for (let at = window.from; at < window.until; at = nextPeriodStart(at, window.period)) {
    labels.push(periodLabel(at, window.period));
  }
  return labels;
}

/**
 * Counts ended applications per period (of their end), tenant, direction, applicant type and
 * outcome, and the median time to decision per period, tenant and direction, over every period of
 * the window and every tenant of `tenants` (all lenders together, as ALL_LENDERS, when it is empty),
 * and every direction and applicant type, `unknown` included. Cells come in order
 * of their dimensions, so the same applications always give the same answer.
 */
export function flowStatistics(
  ended: readonly EndedApplication[],
  options: { window: FlowWindow; tenants: readonly string[]; minCellCount: number },
): FlowStatistics {
  const { window, minCellCount } = options;
  // The cells are the same whatever happened: which tenants, directions or applicant types show
  // must not depend on the applications (a small lender would show on the days it had one end).
  const periods = periodLabels(window);
  const scoped = options.tenants.length > 0;
  const tenants = scoped ? [...options.tenants].sort() : [ALL_LENDERS];
  const directions = [...DIRECTIONS, 'unknown'];
  const types = [...APPLICANT_TYPES, 'unknown'];
  const labelled = ended.map((application) => ({
    ...application,
    tenant: scoped ? application.tenant : ALL_LENDERS,
    label: periodLabel(application.closedAt, window.period),
  }));
  const outcomesByCell = groupBy(labelled, (a) => [a.label, a.tenant, a.direction, a.applicantType, a.outcome]);
  const decidedByCell = groupBy(
    labelled.filter((a) => DECIDED.includes(a.outcome)),
    (a) => [a.label, a.tenant, a.direction],
  );

  const outcomes: OutcomeCell[] = [];
  const decisionTimes: DecisionTimeCell[] = [];
  for (const period of periods) {
    for (const tenant of tenants) {
      for (const direction of directions) {
        for (const applicantType of types) {
          for (const outcome of TERMINAL_STAGES) {
            const count =
              outcomesByCell.get(JSON.stringify([period, tenant, direction, applicantType, outcome]))?.length ?? 0;
            const publish = count >= minCellCount;
            outcomes.push({
              period,
              tenant,
              direction,
              applicantType,
              outcome,
              applications: publish ? rounded(count, minCellCount) : null,
              ...(!publish && { suppressed: true as const }),
            });
          }
        }
        const decided = decidedByCell.get(JSON.stringify([period, tenant, direction])) ?? [];
        const publish = decided.length >= minCellCount;
        decisionTimes.push({
          period,
          tenant,
          direction,
          medianHoursToDecision: publish
            ? Math.round(median(decided.map((a) => a.closedAt.getTime() - a.startedAt.getTime())) / 3_600_000)
            : null,
          ...(!publish && { suppressed: true as const }),
        });
      }
    }
  }
  return { outcomes, decisionTimes };
}

/** At most this many periods in one window (each period has a cell per tenant and combination). */
export const MAX_SUPERVISION_PERIODS = 100;

function dayOf(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // 2026-02-30 would roll over to March: only a day the calendar has is one.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1970
    ? date
    : undefined;
}

export type FlowWindow = { period: SupervisionPeriod; from: Date; until: Date };

/**
 * The whole periods from the one `from` falls in to the one `to` falls in: a window never starts
 * or ends inside a period, so two windows cannot be subtracted to count part of one.
 */
export function flowWindow(
  period: SupervisionPeriod,
  from: string,
  to: string,
  /** Now, and how far back visibility keeps ended applications (the namespace's retention). */
  clock: { now: Date; retentionMs: number },
): { window: FlowWindow } | { problems: { field: string; message: string }[] } {
  const [first, last] = [dayOf(from), dayOf(to)];
  const problems = [
    ...(first ? [] : [{ field: 'from', message: 'from must be a calendar date from 1970-01-01 on' }]),
    ...(last ? [] : [{ field: 'to', message: 'to must be a calendar date from 1970-01-01 on' }]),
  ];
  if (!first || !last) return { problems };
  if (last < first) return { problems: [{ field: 'to', message: 'to must not be before from' }] };
  const start = periodStart(first, period);
  const until = nextPeriodStart(periodStart(last, period), period);
  let periods = 0;
  for (let at = start; at < until; at = nextPeriodStart(at, period)) {
    if (++periods > MAX_SUPERVISION_PERIODS) {
      return {
        problems: [
          { field: 'to', message: `a window holds at most ${MAX_SUPERVISION_PERIODS} periods of a ${period}` },
        ],
      };
    }
  }
  if (until.getTime() + PUBLICATION_DELAY_MS > clock.now.getTime()) {
    return {
      problems: [
        {
          field: 'to',
          message: `to must fall in a ${period} that ended an hour ago or more: a period is counted once it is over`,
        },
      ],
    };
  }
  if (start.getTime() < clock.now.getTime() - clock.retentionMs) {
    const days = Math.floor(clock.retentionMs / DAY_MS);
    return {
      problems: [
        {
          field: 'from',
          message: `from must fall in a ${period} that began within the last ${days} days, the time Temporal keeps ended applications`,
        },
      ],
    };
  }
  return { window: { period, from: start, until } };
}
