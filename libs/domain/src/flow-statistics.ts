/**
 * What a supervisor sees of the cross-border flows: counts per calendar period and dimension,
 * never an application, an applicant, a reviewer or an amount. A cell counting fewer applications
 * than the threshold is suppressed (its figures withheld), so that a rare combination (the one
 * northbound company a small lender decided in a month) cannot single anybody out. There are no
 * totals, which would let a suppressed cell be worked out by subtraction.
 */
import { type Direction, type LoanStage } from './application.js';
import { type ApplicantType } from './document-kinds.js';

export const SUPERVISION_PERIODS = ['day', 'week', 'month'] as const;
export type SupervisionPeriod = (typeof SUPERVISION_PERIODS)[number];

/** The smallest count published unless the deployment says otherwise. */
export const DEFAULT_MIN_CELL_COUNT = 5;

export function isSupervisionPeriod(value: unknown): value is SupervisionPeriod {
  return typeof value === 'string' && (SUPERVISION_PERIODS as readonly string[]).includes(value);
}

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
  /** Applications decided (approved or declined); null when suppressed. */
  decided: number | null;
  /** Median seconds from creation to decision; null when suppressed. */
  medianSecondsToDecision: number | null;
}

export interface FlowStatistics {
  outcomes: OutcomeCell[];
  decisionTimes: DecisionTimeCell[];
}

const DECIDED: readonly LoanStage[] = ['APPROVED', 'DECLINED'];

/** The median of a non-empty list, rounded to whole seconds. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value);
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

/**
 * Counts ended applications per period (of their close), tenant, direction, applicant type and
 * outcome, and the median time to decision per period, tenant and direction. Cells come sorted, so
 * the same applications always give the same answer.
 */
export function flowStatistics(
  ended: readonly EndedApplication[],
  options: { period: SupervisionPeriod; minCellCount: number },
): FlowStatistics {
  const { period, minCellCount } = options;
  const labelled = ended.map((application) => ({ ...application, label: periodLabel(application.closedAt, period) }));
  const outcomes = [...groupBy(labelled, (a) => [a.label, a.tenant, a.direction, a.applicantType, a.outcome]).entries()]
    .sort(byKey)
    .map(([, group]): OutcomeCell => {
      const first = group[0]!;
      const publish = group.length >= minCellCount;
      return {
        period: first.label,
        tenant: first.tenant,
        direction: first.direction,
        applicantType: first.applicantType,
        outcome: first.outcome,
        applications: publish ? group.length : null,
        ...(!publish && { suppressed: true as const }),
      };
    });
  const decided = labelled.filter((a) => DECIDED.includes(a.outcome));
  const decisionTimes = [...groupBy(decided, (a) => [a.label, a.tenant, a.direction]).entries()]
    .sort(byKey)
    .map(([, group]): DecisionTimeCell => {
      const first = group[0]!;
      const publish = group.length >= minCellCount;
      return {
        period: first.label,
        tenant: first.tenant,
        direction: first.direction,
        decided: publish ? group.length : null,
        medianSecondsToDecision: publish
          ? median(group.map((a) => (a.closedAt.getTime() - a.startedAt.getTime()) / 1000))
          : null,
        ...(!publish && { suppressed: true as const }),
      };
    });
  return { outcomes, decisionTimes };
}

/** Orders groups by their key, so the same applications always give the cells in the same order. */
function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At most this many periods in one window: a day-by-day year and a bit, a month-by-month 33 years. */
export const MAX_SUPERVISION_PERIODS = 400;

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
  return { window: { period, from: start, until } };
}
