/**
 * The inbox's due window. Temporal's SQL visibility has no ORDER BY, and a list costs time for
 * every row it reads while a COUNT is cheap (it costs with the rows it scans: a count whose bound
 * falls below a dense cluster is cheap, one above it is not), so a page is found by counting: the
 * search looks for a due time T such that the tasks due before T, after the page's start, are more
 * than `limit` and at most 2×limit + 1 (windowRange). Listing those and sorting them gives exactly
 * the earliest `limit`, and shows that more follow.
 *
 * It probes first where the caller guesses (where the last window ended) or at now, so overdue
 * tasks come first; widens exponentially, up or down, until one probe is below the range and one
 * above; then narrows. Narrowing follows the line through two neighbouring counts (the density just
 * below or above the range, which a gap before a dense cluster does not mislead), else
 * interpolates between the bracket's ends when tasks are due just below it, else bisects; any
 * step that did not halve the bracket is followed by a bisection. Locating a cluster behind a long
 * gap costs a bisection per halving of the gap, hence MAX_PROBES. It gives up after MAX_PROBES
 * counts, or when the bracket is one millisecond wide (more than 2×limit tasks due at one
 * instant), and answers its tightest bracket, which the caller lists whole: still exact, longer.
 *
 * Pure apart from the injected `count`, so it is tested against synthetic due times.
 */
import { quoted } from '../applications/application-workflows.js';

/** Where a page starts: after this task in (due time, workflow id) order. */
export interface DuePosition {
  /** The task's due time, epoch milliseconds. */
  due: number;
  workflowId: string;
  /**
   * Tasks due at exactly `due` up to and including `workflowId`, as the page that made the position
   * saw them. 0: the next page starts strictly after `due` (`ReviewDueAt >= due + 1 ms`). Otherwise it
   * starts at `due` (`ReviewDueAt >= due`), and these tasks are counted by the search but dropped
   * from the listing: visibility's string order depends on the database's collation, the API's does
   * not, so ties are broken here rather than with a `WorkflowId >` clause.
   */
  ties: number;
}

/** Visibility's DATETIME range, in epoch milliseconds: 1970 to the end of 9999. */
export const EARLIEST_DUE = 0;
export const END_OF_TIME = Date.UTC(10000, 0, 1);

/** Enough to find a page among tasks all due within one minute, two days from now (a bulk import). */
export const MAX_PROBES = 24;
/** The first widening step when nothing better is known, the narrowest, and the widening factor. */
export const FIRST_STEP_MS = 60_000;
export const MIN_SPAN_MS = 1;
const GROWTH = 8;

const iso = (ms: number): string => new Date(ms).toISOString();

/** `ReviewDueAt < t`. */
export const dueBefore = (t: number): string => `ReviewDueAt < ${quoted(iso(t))}`;

/**
 * The lower bound of a page that starts after `position`. Always `>=`: the dev server's SQLite
 * visibility compares Datetimes as text, with the bound's trailing zeros dropped ('.12' against a
 * stored '.120'), so `> T` there also matches tasks due at exactly T when T's milliseconds end in
 * zero. Due times are whole milliseconds, so "after T" is "from T + 1 ms", exact on every store.
 */
export const dueFrom = (position: DuePosition): string =>
  `ReviewDueAt >= ${quoted(iso(position.ties > 0 ? position.due : position.due + 1))}`;

/** A task, or a place between tasks, in the inbox's order. */
export interface Ordered {
  due: number;
  workflowId: string;
}

/**
 * The inbox's order: due time, then workflow id, compared as JavaScript compares strings, whatever
 * the database's collation.
 */
export function compareTasks(a: Ordered, b: Ordered): number {
  const [x, y] = [a.due, b.due];
  if (x !== y) return x < y ? -1 : 1;
  return a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0;
}

/** True when a task comes after the position, i.e. belongs to the page that starts there. */
export function isAfter(task: Ordered, position: Ordered): boolean {
  return compareTasks(task, position) > 0;
}

export interface WindowSearch {
  limit: number;
  /** Epoch milliseconds: the first page probes here first, so overdue tasks come first. */
  now: number;
  /** Where the page starts; none for the first page. */
  after?: DuePosition;
  /**
   * Counts the inbox's tasks matching the clauses (ANDed with the inbox's own). The search passes
   * the page's lower bound, if any, and `ReviewDueAt < T`.
   */
  count(clauses: string[]): Promise<number>;
  /**
   * A first probe and widening step, e.g. where the previous window ended and how wide it was; with
   * `count` when the caller knows it already (from listing that window), which saves a COUNT.
   */
  guess?: { at: number; step: number; count?: number | undefined };
  maxProbes?: number;
}

export interface DueWindow {
  /** List `ReviewDueAt < before` (with the page's lower bound); undefined: every task after it. */
  before?: number;
  /** Tasks in the window when it was counted, including the position's ties. */
  matched: number;
  /** COUNT queries made. */
  probes: number;
  /** False when the search gave up (probes spent, or a tie too large to split): `matched` may exceed 2×limit + 1. */
  settled: boolean;
}

interface Probe {
  t: number;
  /** Tasks after the page's start and due before t, the position's ties included. */
  c: number;
}

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/**
 * The counts a window may hold: a page and one more (so that a page with a window behind it always
 * has a next page: never an empty last one), up to 2×limit + 1; the position's ties on top, which
 * the query cannot exclude but the listing drops. `goal`: what the search aims at.
 */
export function windowRange(limit: number, ties = 0): { enough: number; most: number; goal: number } {
  return { enough: limit + 1 + ties, most: 2 * limit + 1 + ties, goal: Math.round(1.5 * limit) + 1 + ties };
}

/** Finds a due window holding from limit + 1 to 2×limit + 1 tasks after the page's start. */
export async function findDueWindow(search: WindowSearch): Promise<DueWindow> {
  const { limit, after } = search;
  const maxProbes = search.maxProbes ?? MAX_PROBES;
  const ties = after?.ties ?? 0;
  const lower = after ? [dueFrom(after)] : [];
  const { enough, most, goal } = windowRange(limit, ties);

  // Every count so far, by due time; lo: the latest with fewer than `enough` before it, hi: the
  // earliest with more than `most` (undefined until found).
  const probed: Probe[] = after ? [{ t: after.due, c: 0 }] : [];
  let lo: Probe | undefined = probed[0];
  let hi: Probe | undefined;
  let probes = 0;
  const floor = after ? after.due + 1 : EARLIEST_DUE;
  let t = clamp(
    search.guess?.at ?? (after ? Math.max(search.now, after.due + FIRST_STEP_MS) : search.now),
    floor,
    END_OF_TIME,
  );
  let step = Math.max(search.guess?.step ?? FIRST_STEP_MS, MIN_SPAN_MS);
  /** The bracket's width before the last narrowing probe, unless that probe was a bisection. */
  let narrowedFrom: number | undefined;

  let known = search.guess?.count !== undefined && t === search.guess.at ? search.guess.count : undefined;
  while (probes < maxProbes) {
    let c = known;
    known = undefined;
    if (c === undefined) {
      probes++;
      // At the end of time the bound adds nothing: count without it.
      c = await search.count(t >= END_OF_TIME ? lower : [...lower, dueBefore(t)]);
    }
    if (c >= enough && c <= most) {
      return { before: t >= END_OF_TIME ? undefined : t, matched: c, probes, settled: true };
    }
    // Everything after the page's start is fewer than a page: list it all.
    if (c < enough && t >= END_OF_TIME) return { matched: c, probes, settled: true };
    const probe = { t, c };
    const at = probed.findIndex((p) => p.t > t);
    probed.splice(at < 0 ? probed.length : at, 0, probe);
    if (c < enough) lo = probe;
    else hi = probe;

    // Where the count would reach the goal, going by the line through two neighbouring counts.
    const secant = (a: Probe | undefined, b: Probe | undefined): number | undefined =>
      a && b && a.c !== b.c ? a.t + ((goal - a.c) * (b.t - a.t)) / (b.c - a.c) : undefined;
    // The density just below lo and just above hi: a gap before a dense cluster misleads a line
    // through lo and hi, not one through two counts on the cluster.
    const below = lo && [...probed].reverse().find((p) => p.t < lo!.t);
    const fromBelow = secant(below, lo);
    const fromAbove =
      hi &&
      secant(
        hi,
        probed.find((p) => p.t > hi!.t),
      );

    if (lo && hi) {
      const width = hi.t - lo.t;
      if (width <= 1) break;
      // A step that left more than half of its bracket is followed by a bisection.
      const bisect = narrowedFrom !== undefined && width > narrowedFrom / 2;
      const inside = (e: number | undefined): e is number => e !== undefined && e > lo!.t && e < hi!.t;
      const nearer = goal - lo.c < hi.c - goal ? [fromBelow, fromAbove] : [fromAbove, fromBelow];
      // No line through neighbours to go by: interpolate between lo and hi if tasks are due just
      // below lo; if none are (a gap, it may be, before a cluster), only a bisection is safe.
      const rising = below !== undefined && below.c < lo.c;
      const estimate =
        nearer.find(inside) ??
        (rising ? lo.t + width * clamp((goal - lo.c) / (hi.c - lo.c), 1 / 16, 15 / 16) : undefined);
      const halve = bisect || estimate === undefined;
      narrowedFrom = halve ? undefined : width;
      t = clamp(Math.round(halve ? lo.t + width / 2 : estimate), lo.t + 1, hi.t - 1);
    } else if (lo) {
      // Widen upwards: by the growing step, or less where the counts so far say the goal is.
      t = Math.min(Math.round(clamp(fromBelow ?? Infinity, lo.t + MIN_SPAN_MS, lo.t + step)), END_OF_TIME);
      step *= GROWTH;
    } else {
      // Too many due before the first probe (overdue ones, on the first page): widen downwards.
      t = Math.max(Math.round(clamp(fromAbove ?? -Infinity, hi!.t - step, hi!.t - MIN_SPAN_MS)), EARLIEST_DUE);
      step *= GROWTH;
    }
  }
  // Gave up: the tightest bracket known, listed whole by the caller.
  return { before: hi?.t, matched: hi?.c ?? Number.POSITIVE_INFINITY, probes, settled: false };
}
