/**
 * One page of a reviewer's inbox, earliest SLA due first, read from Temporal visibility with a few
 * COUNTs and one bounded list (inbox-window.ts says why, and how the window is found).
 */
import { LoanStage } from '#domain';
import { quoted, type ApplicationSummary, type ApplicationWorkflows } from '../applications/application-workflows.js';
import { type InboxCursor } from './inbox-cursor.js';
import {
  compareTasks,
  dueBefore,
  dueFrom,
  END_OF_TIME,
  findDueWindow,
  FIRST_STEP_MS,
  isAfter,
  MIN_SPAN_MS,
  windowRange,
  type DuePosition,
  type DueWindow,
} from './inbox-window.js';

export const DEFAULT_INBOX_LIMIT = 25;
export const MAX_INBOX_LIMIT = 100;
/** The most rows one list reads; only a search that gave up on a huge tie comes near it. */
const MAX_LISTED_ROWS = 1000;
/** Inbox queries whose last first-page window is remembered, to start the next search there. */
const MAX_HINTS = 256;

export interface InboxItem extends ApplicationSummary {
  overdue: boolean;
}

export interface InboxPage {
  /** Open tasks of the queues, on every page: for "N tasks". */
  total: number;
  items: InboxItem[];
  /** Where the next page starts; absent on the last page. */
  next?: InboxCursor;
}

interface Task {
  summary: ApplicationSummary;
  /** Epoch milliseconds: every review round records when it is due (ReviewDueAt). */
  due: number;
  workflowId: string;
}

function taskOf(summary: ApplicationSummary): Task {
  return { summary, due: Date.parse(summary.reviewDueAt ?? ''), workflowId: summary.workflowId };
}

type Visibility = Pick<ApplicationWorkflows, 'count' | 'list'>;

export class ReviewInbox {
  /** Per inbox query and page size: where its first page's window last ended, and how wide it was. */
  private readonly hints = new Map<string, { at: number; step: number }>();

  constructor(private readonly visibility: Visibility) {}

  /**
   * The page of the open tasks of `queues` for `tenants` after `after` (the first page without
   * it), `limit` long. Only running applications: one that ended from outside has left review.
   */
  async page(
    scope: { queues: string[]; tenants: string[] },
    limit: number,
    after: InboxCursor | undefined,
    now = Date.now(),
  ): Promise<InboxPage> {
    const base = [
      `LoanStage = ${quoted(LoanStage.IN_REVIEW)}`,
      `ExecutionStatus = 'Running'`,
      `Tenant IN (${scope.tenants.map(quoted).join(', ')})`,
      `ReviewQueue IN (${scope.queues.map(quoted).join(', ')})`,
      // Set with the stage by the workflow; stated so the total counts exactly what pages can reach.
      `ReviewDueAt IS NOT NULL`,
    ];
    const key = base.join(' AND ');
    const count = (clauses: string[]): Promise<number> => this.visibility.count([...base, ...clauses]);
    const list = async (clauses: string[], rows: number): Promise<Task[]> => {
      const pageSize = Math.min(Math.max(rows, 1), MAX_LISTED_ROWS);
      return (await this.visibility.list([...base, ...clauses], pageSize)).items
        .map(taskOf)
        .filter((task) => Number.isFinite(task.due));
    };

    const dated: DuePosition | undefined = after;
    // Where to look first: where this page's predecessor ended plus its width, or where the last
    // first page of this inbox ended.
    const hintKey = `${key} LIMIT ${limit}`;
    const guess = dated ? { at: dated.due + after!.span, step: after!.span } : this.hints.get(hintKey);
    const totalCounted = count([]);
    if (!after && !guess) {
      // A small inbox: one list holds all of it, tasks without a due time included.
      const total = await totalCounted;
      if (total <= 2 * limit) return assemble({ listed: await list([], total + limit), limit, total, now });
    }
    const lower = dated ? [dueFrom(dated)] : [];
    const { enough, most } = windowRange(limit, dated?.ties);
    const [total, guessed] = await Promise.all([
      totalCounted,
      // The guess, listed straight away: most often it is the window, and the page needs one list.
      guess && guess.at < END_OF_TIME ? list([...lower, dueBefore(guess.at)], most + 1) : undefined,
    ]);
    let window: DueWindow = { before: guess?.at, matched: guessed?.length ?? 0, probes: 0, settled: true };
    let listed = guessed ?? [];
    if (!guessed || guessed.length < enough || guessed.length > most) {
      const known = guessed && guessed.length <= most ? guessed.length : undefined;
      window = await findDueWindow({ limit, now, after: dated, count, guess: guess && { ...guess, count: known } });
      const bounds = [...lower, ...(window.before !== undefined ? [dueBefore(window.before)] : [])];
      listed = await list(bounds, window.matched + limit);
    }
    if (!after && window.settled && window.before !== undefined) {
      const earliest = listed.reduce((min, task) => Math.min(min, task.due ?? min), window.before);
      remember(this.hints, hintKey, { at: window.before, step: Math.max(window.before - earliest, MIN_SPAN_MS) });
    }
    return assemble({ listed, limit, total, now, after, before: window.before });
  }
}

/** Sets a key of a bounded map, forgetting the least recently set key beyond MAX_HINTS. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_HINTS) map.delete(map.keys().next().value!);
}

/**
 * The page: tasks after the cursor in (due, workflow id) order, `limit` of them; and where the next
 * page starts when more remain.
 */
function assemble(page: {
  listed: Task[];
  limit: number;
  total: number;
  now: number;
  after?: InboxCursor;
  /** The window's end: tasks due from then on were not listed. */
  before?: number;
}): InboxPage {
  const { listed, limit, total, now, after, before } = page;
  // The window's list holds every task due at the cursor's instant: those already shown drop out.
  const ordered = uniqueByWorkflow(listed)
    .filter((task) => !after || isAfter(task, after))
    .sort(compareTasks);
  const shown = ordered.slice(0, limit);
  const items = shown.map(({ summary, due }) => ({ ...summary, overdue: due < now }));
  if (ordered.length <= shown.length && before === undefined) return { total, items };

  const last = shown.at(-1);
  // None shown: the window's tasks all left review since they were counted; pass over the window.
  if (!last)
    return { total, items, next: { due: before! - 1, workflowId: '', ties: 0, span: after?.span ?? FIRST_STEP_MS } };
  // Tasks due at the same instant as the last one shown, up to it: the next page counts but skips them.
  const laterTied = ordered.some((task) => task.due === last.due && compareTasks(task, last) > 0);
  const ties = laterTied ? listed.filter((task) => task.due === last.due && compareTasks(task, last) <= 0).length : 0;
  const from = after?.due ?? shown[0]!.due;
  const span = Math.max((before ?? last.due + 1) - from, MIN_SPAN_MS);
  return { total, items, next: { due: last.due, workflowId: last.workflowId, ties, span } };
}

/** Visibility is eventually consistent: the same task twice in one answer is shown once. */
function uniqueByWorkflow(tasks: Task[]): Task[] {
  const seen = new Set<string>();
  return tasks.filter((task) => !seen.has(task.workflowId) && seen.add(task.workflowId));
}
