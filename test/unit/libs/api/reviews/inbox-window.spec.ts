/**
 * The inbox's due-window search and paging, against a fake visibility store over synthetic due
 * times: it counts as Temporal would, and lists matching rows in no particular order (shuffled),
 * cut at the page size, as SQL visibility without ORDER BY may. Every page must be exactly the
 * earliest `limit` tasks after the previous one, paging must reach every task once, and the counts
 * and listed rows stay bounded.
 */
import { type ApplicationSummary } from '#api/applications/application-workflows';
import { ProblemException } from '#api/problem/problem';
import { TokenSeal } from '#api/problem/token-seal';
import { ReviewInbox } from '#api/reviews/inbox';
import { InboxCursors, type InboxCursor } from '#api/reviews/inbox-cursor';
import {
  compareTasks,
  dueBefore,
  END_OF_TIME,
  findDueWindow,
  MAX_PROBES,
  type DuePosition,
} from '#api/reviews/inbox-window';

const NOW = Date.parse('2026-11-21T09:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface FakeTask {
  due: number;
  workflowId: string;
}

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tasksAt = (dues: number[], prefix = 'T'): FakeTask[] =>
  dues.map((due, i) => ({ due, workflowId: `loan/bank-a/${prefix}-${String(i).padStart(5, '0')}` }));

/** The distributions the inbox meets, and a few it should survive; `scale` shrinks the large ones. */
function datasets(scale = 1): Record<string, FakeTask[]> {
  const r = random(42);
  const spread = (n: number, from: number, width: number) =>
    Array.from({ length: Math.ceil(n * scale) }, () => from + Math.floor(r() * width));
  return {
    'all due within one minute': tasksAt(spread(1_000, NOW + 2 * DAY, MINUTE)),
    'spread over days': tasksAt(spread(3_000, NOW - HOUR, 5 * DAY)),
    'many overdue': tasksAt([...spread(2_000, NOW - 7 * DAY, 7 * DAY), ...spread(300, NOW, DAY)]),
    // npm run bench:scale: parked for half an hour under a 48-hour SLA, nothing due for two days.
    'one dense cluster two days out': tasksAt(spread(3_000, NOW + 47.5 * HOUR, 30 * MINUTE)),
    'two clusters days apart': tasksAt([
      ...spread(500, NOW - 3 * DAY, 10 * MINUTE),
      ...spread(1_000, NOW + 2 * DAY, HOUR),
    ]),
    // Groups sharing an instant, some larger than a page (2×limit and more).
    ties: tasksAt(
      Array.from({ length: 40 }, (_, group) =>
        Array(group % 7 === 0 ? 25 : 1 + (group % 4)).fill(NOW + group * MINUTE),
      ).flat(),
    ),
    'one instant for all': tasksAt(Array(120).fill(NOW + HOUR)),
    'a few': tasksAt(spread(7, NOW - HOUR, DAY)),
    'far apart': tasksAt([
      NOW - 300 * DAY,
      NOW,
      NOW + 3 * 365 * DAY,
      NOW + 2_000 * 365 * DAY,
      ...spread(60, NOW, HOUR),
    ]),
    'overdue and due soon': tasksAt(spread(204, NOW - DAY, 2 * DAY)),
  };
}

/**
 * How the dev server's SQLite visibility compares a Datetime search attribute with a bound: as
 * text, the stored value as strftime('%Y-%m-%d %H:%M:%f+00:00') writes it (always three decimals),
 * the bound as Temporal's query converter formats it ('.999999', trailing zeros dropped). So a
 * bound whose milliseconds end in zero sorts before a task due at exactly that instant: '.120' >
 * '.12+'. Only `>=` and `<` are exact there; PostgreSQL compares real timestamps.
 */
const sqliteStored = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00:00');
const sqliteBound = (ms: number): string =>
  sqliteStored(ms)
    .replace(/0+\+00:00$/, '+00:00')
    .replace(/\.\+00:00$/, '+00:00');

/** Evaluates the clauses the inbox sends (its own scoping clauses hold for every fake task). */
function matches(task: FakeTask, clauses: string[]): boolean {
  return clauses.every((clause) => {
    const scoping =
      /^(LoanStage = 'IN_REVIEW'|ExecutionStatus = 'Running'|Tenant IN \('bank-a'\)|ReviewQueue IN \('HK-standard'\)|ReviewDueAt IS NOT NULL)$/;
    if (scoping.test(clause)) return true;
    const range = /^ReviewDueAt (<|>|>=) '(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)'$/.exec(clause);
    if (!range) throw new Error(`the fake cannot evaluate ${clause}`);
    const [stored, bound] = [sqliteStored(task.due), sqliteBound(Date.parse(range[2]!))];
    return range[1] === '<' ? stored < bound : range[1] === '>' ? stored > bound : stored >= bound;
  });
}

/** The inbox of an HK reviewer of bank-a. */
const SCOPE = { queues: ['HK-standard'], tenants: ['bank-a'] };

class FakeVisibility {
  counts = 0;
  lists = 0;
  rowsListed = 0;
  largestList = 0;
  private readonly shuffle = random(7);

  constructor(readonly tasks: FakeTask[]) {}

  count = (clauses: string[]): Promise<number> => {
    this.counts++;
    return Promise.resolve(this.tasks.filter((task) => matches(task, clauses)).length);
  };

  list = (clauses: string[], pageSize: number): Promise<{ items: ApplicationSummary[] }> => {
    this.lists++;
    const rows = this.tasks.filter((task) => matches(task, clauses));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(this.shuffle() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const page = rows.slice(0, pageSize);
    this.rowsListed += page.length;
    this.largestList = Math.max(this.largestList, page.length);
    return Promise.resolve({
      items: page.map((task) => ({
        workflowId: task.workflowId,
        runId: `run-of-${task.workflowId}`,
        executionStatus: 'RUNNING',
        tenant: 'bank-a',
        applicationId: task.workflowId.split('/')[2]!,
        reviewDueAt: new Date(task.due).toISOString(),
      })),
    });
  };
}

/** The inbox's order: by due time, then workflow id. */
const inOrder = (tasks: FakeTask[]): FakeTask[] =>
  [...tasks].sort((a, b) =>
    compareTasks({ due: a.due, workflowId: a.workflowId }, { due: b.due, workflowId: b.workflowId }),
  );

describe('findDueWindow', () => {
  const cases = Object.entries(datasets()).flatMap(([name, tasks]) =>
    [1, 3, 25, 100].map((limit): [string, number, FakeTask[]] => [name, limit, tasks]),
  );

  it.each(cases)(
    '%s, limit %i: a window of limit + 1 to 2×limit + 1 tasks holding the earliest, in few counts',
    async (_name, limit, tasks) => {
      const dated = inOrder(tasks.filter((task) => task.due !== undefined));
      const fake = new FakeVisibility(tasks);
      const window = await findDueWindow({ limit, now: NOW, count: fake.count });
      expect(window.probes).toBeLessThanOrEqual(MAX_PROBES);
      expect(fake.counts).toBe(window.probes);
      const inWindow = dated.filter((task) => window.before === undefined || task.due < window.before);
      expect(inWindow.length).toBe(window.matched);
      if (window.settled) {
        expect(window.matched).toBeLessThanOrEqual(2 * limit + 1);
        // A page and one more (so that a next page is known to follow), unless that is all there is.
        if (window.before !== undefined) expect(window.matched).toBeGreaterThanOrEqual(limit + 1);
        else expect(window.matched).toBe(dated.length);
      } else {
        // It gives up only on an instant shared by more than 2×limit tasks (locating it to the
        // millisecond may take more than the probes allowed), answering a bracket listed whole.
        expect(window.matched).toBeGreaterThan(2 * limit + 1);
        expect(Math.max(...countsPerInstant(tasks))).toBeGreaterThan(limit);
      }
      // The window is a prefix of the order: the earliest `limit` are all in it.
      expect(inWindow).toEqual(dated.slice(0, inWindow.length));
    },
  );

  it("counts the position's ties but keeps a page of tasks after them", async () => {
    const tasks = tasksAt([
      ...Array(6).fill(NOW),
      ...Array(30)
        .fill(0)
        .map((_, i) => NOW + (i + 1) * 1_000),
    ]);
    const fake = new FakeVisibility(tasks);
    // Four of the six tasks due at NOW were shown: the search starts at NOW and must see past them.
    const after: DuePosition = { due: NOW, workflowId: tasks[3]!.workflowId, ties: 4 };
    const window = await findDueWindow({ limit: 5, now: NOW, after, count: fake.count });
    expect(window.settled).toBe(true);
    const afterIt = inOrder(tasks).filter(
      (task) => compareTasks({ due: task.due, workflowId: task.workflowId }, after) > 0,
    );
    const listed = afterIt.filter((task) => task.due < window.before!);
    expect(listed.length).toBeGreaterThanOrEqual(6);
    expect(listed.length).toBeLessThanOrEqual(11);
  });

  it('stops after maxProbes and answers the tightest bracket it has', async () => {
    const fake = new FakeVisibility(tasksAt(Array.from({ length: 500 }, (_, i) => NOW + i * 7_919)));
    const window = await findDueWindow({ limit: 3, now: NOW - 400 * DAY, count: fake.count, maxProbes: 4 });
    expect(window).toMatchObject({ probes: 4, settled: false });
    expect(fake.counts).toBe(4);
    expect(window.before === undefined || window.before <= END_OF_TIME).toBe(true);
    expect(window.matched).toBeGreaterThan(6);
  });

  it("asks only for a due bound and the page's start", async () => {
    const seen: string[][] = [];
    await findDueWindow({
      limit: 2,
      now: NOW,
      after: { due: NOW, workflowId: 'loan/bank-a/X', ties: 0 },
      count: (clauses) => {
        seen.push(clauses);
        return Promise.resolve(3);
      },
    });
    // "After 09:00:00.000" as "from 09:00:00.001": SQLite would read `> '…00.000Z'` as `>= …`.
    expect(seen).toEqual([["ReviewDueAt >= '2026-11-21T09:00:00.001Z'", dueBefore(NOW + 60_000)]]);
  });
});

describe('ReviewInbox: paging through the whole inbox', () => {
  const cases = Object.entries(datasets(0.2)).flatMap(([name, tasks]) =>
    [1, 3, 25].map((limit): [string, number, FakeTask[]] => [name, limit, tasks]),
  );

  it.each(cases)('%s, limit %i: every task once, in order, a page at a time', async (_name, limit, tasks) => {
    const fake = new FakeVisibility(tasks);
    const inbox = new ReviewInbox(fake);
    const expected = inOrder(tasks);
    const seen: string[] = [];
    let after: InboxCursor | undefined;
    let pages = 0;
    let longLists = 0;
    do {
      const [counts, rows] = [fake.counts, fake.rowsListed];
      const page = await inbox.page(SCOPE, limit, after, NOW);
      pages++;
      expect(page.total).toBe(tasks.length);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      // Exactly the earliest `limit` after the previous page.
      expect(page.items.map((item) => item.workflowId)).toEqual(
        expected.slice(seen.length, seen.length + page.items.length).map((task) => task.workflowId),
      );
      // A page with a next one is full, and the next one is never empty.
      if (page.next) expect(page.items.length).toBe(limit);
      if (after) expect(page.items.length).toBeGreaterThan(0);
      seen.push(...page.items.map((item) => item.workflowId));
      // Bounded work per page: the total, the probes and the window's list.
      expect(fake.counts - counts).toBeLessThanOrEqual(1 + MAX_PROBES);
      // The window's rows (2×limit at most, and the position's ties); while among the tasks without
      // a due time, those (limit + 1 to see whether there are more, then all).
      const tiesOver = Math.max(0, ...countsPerInstant(tasks)) > 2 * limit;
      // The guessed window (most + 1 rows at most) and, when the guess missed, the window found.
      if (tiesOver || fake.rowsListed - rows > 8 * limit + 1) longLists++;
      after = page.next;
      expect(pages).toBeLessThanOrEqual(tasks.length + 1);
    } while (after);
    expect(seen).toEqual(expected.map((task) => task.workflowId));
    // A search that gave up lists its bracket whole: exact, but more rows; only over large ties.
    if (Math.max(0, ...countsPerInstant(tasks)) <= 2 * limit) expect(longLists).toBe(0);
    expect(fake.largestList).toBeLessThanOrEqual(1000);
  });

  it('the next first page lists where the last window ended: the total, and one list', async () => {
    const fake = new FakeVisibility(datasets()['spread over days']!);
    const inbox = new ReviewInbox(fake);
    const first = await inbox.page(SCOPE, 25, undefined, NOW);
    const [counts, lists] = [fake.counts, fake.lists];
    const again = await inbox.page(SCOPE, 25, undefined, NOW);
    expect(again).toEqual(first);
    expect([fake.counts - counts, fake.lists - lists]).toEqual([1, 1]);
  });

  it('pages list where their cursor points: mostly the total and one list each', async () => {
    const fake = new FakeVisibility(datasets()['spread over days']!);
    const inbox = new ReviewInbox(fake);
    let page = await inbox.page(SCOPE, 25, undefined, NOW);
    const [counts, lists] = [fake.counts, fake.lists];
    for (let i = 0; i < 40; i++) page = await inbox.page(SCOPE, 25, page.next, NOW);
    expect((fake.counts - counts) / 40).toBeLessThan(1.5);
    expect((fake.lists - lists) / 40).toBeLessThan(1.25);
  });

  it('an inbox of at most 2×limit tasks: one count and one list', async () => {
    const fake = new FakeVisibility(datasets()['overdue and due soon']!.slice(0, 9));
    const page = await new ReviewInbox(fake).page(SCOPE, 5, undefined, NOW);
    expect([fake.counts, fake.lists]).toEqual([1, 1]);
    expect(page.items.every((item) => item.overdue === Date.parse(item.reviewDueAt!) < NOW)).toBe(true);
    expect(page.next).toBeDefined();
  });
});

function countsPerInstant(tasks: FakeTask[]): number[] {
  const counts = new Map<number, number>();
  for (const task of tasks) if (task.due !== undefined) counts.set(task.due, (counts.get(task.due) ?? 0) + 1);
  return [...counts.values()];
}

describe('InboxCursors', () => {
  const cursors = new InboxCursors('ab'.repeat(32));
  const cursor: InboxCursor = { due: NOW, workflowId: 'loan/bank-a/APP-1', ties: 2, span: 90_000 };

  it('opens what it sealed', () => {
    expect(cursors.open(cursors.seal(cursor))).toEqual(cursor);
    // The longest: every field at its widest still fits the shape `after` is checked against.
    const widest: InboxCursor = {
      due: END_OF_TIME - 1,
      workflowId: `loan/${'t'.repeat(64)}/${'a'.repeat(64)}`,
      ties: 9_999,
      span: END_OF_TIME - 1,
    };
    expect(cursors.open(cursors.seal(widest))).toEqual(widest);
  });

  // A cursor breaking the documented shape is refused as 400 by the query's validation before it gets
  // here; what gets here and is no cursor this API sealed is well formed and refused: 422.
  const refusedAs422 = (sealed: string): void => {
    let error: unknown;
    try {
      cursors.open(sealed);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).getStatus()).toBe(422);
    expect((error as ProblemException).errors).toEqual([{ field: 'after', message: expect.any(String) }]);
  };

  it('refuses a cursor another key sealed, an edited one, and garbage', () => {
    const sealed = cursors.seal(cursor);
    refusedAs422(new InboxCursors('cd'.repeat(32)).seal(cursor));
    const [body, mac] = sealed.split('.') as [string, string];
    const edited = Buffer.from(Buffer.from(body, 'base64url').toString().replace('APP-1', 'APP-2')).toString(
      'base64url',
    );
    refusedAs422(`${edited}.${mac}`);
    refusedAs422(`${body}.${'A'.repeat(22)}`);
    refusedAs422(`${body}${mac}`);
    refusedAs422('not a cursor');
    refusedAs422('');
  });

  it('refuses a well-sealed payload that is not a position (the second fence)', () => {
    // Sealing is not validation: a payload the API would never write is refused even with a good MAC.
    const seal = new TokenSeal('ab'.repeat(32), 'lendbridge inbox cursors v1');
    const forge = (payload: string): string => seal.seal(Buffer.from(payload));
    expect(cursors.open(forge(`${NOW}|0|60000|loan/bank-a/A`))).toMatchObject({ due: NOW });
    for (const payload of [
      `-1|0|60000|loan/bank-a/A`,
      `${NOW}|1|60000|`,
      `${NOW}|0|0|loan/bank-a/A`,
      `-|0|60000|loan/bank-a/A`,
      `${NOW}|0|60000|loan/bank-a/A' OR '1'='1`,
      `${NOW}|0|60000|other/bank-a/A`,
      `${END_OF_TIME}|0|60000|loan/bank-a/A`,
      `${NOW}.5|0|60000|loan/bank-a/A`,
    ]) {
      refusedAs422(forge(payload));
    }
  });
});
