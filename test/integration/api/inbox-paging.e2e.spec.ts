/**
 * The reviewer inbox a page at a time, on the real stack (API, worker, Temporal dev server, anvil):
 * applications brought to review through the API, and beside them tasks whose due times the test
 * chooses (overdue, several at one instant), started straight through Temporal on a
 * task queue nobody polls, so that only their visibility records exist. Paging through with a small
 * `limit` must give every task once, in due order, `total` on every page.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { InboxCursors } from '#api/reviews/inbox-cursor';
import { createLendbridgeClient, unwrap, type LendbridgeClient, type paths, type Schemas } from '#client';
import { LOAN_APPLICATION_WORKFLOW, SearchAttributeKeys } from '#domain';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';

type Page = Schemas['InboxPageDto'];
type Item = Schemas['InboxItemDto'];
type InboxQuery = NonNullable<paths['/v1/review-tasks']['get']['parameters']['query']>;

const LIMIT = 3;
/** Brought to review through the API: due when the 48-hour SLA ends. */
const REAL = Array.from({ length: 8 }, (_, i) => `PG-${i + 1}`);
const HOUR = 3_600_000;
/**
 * A whole second: the chosen due times end in zeros, which the dev server's SQLite visibility
 * compares as text with the zeros dropped from the bound ('.000' after '+'), the case that once
 * gave the last page a cursor to an empty one.
 */
const NOW = Math.floor(Date.now() / 1000) * 1000;
/** Due times the test chooses (every review round records one). */
const SYNTHETIC: Record<string, number> = {
  'LATE-B': NOW - 24 * HOUR,
  'LATE-A': NOW - 24 * HOUR,
  'LATE-C': NOW - 2 * HOUR,
  // More tasks at one instant than two pages hold.
  ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`TIE-${7 - i}`, NOW + HOUR])),
  // After the real ones, a second apart: a page ends on END-3, and END-4 to END-6 are the last.
  ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`END-${i + 1}`, NOW + 72 * HOUR + i * 1000])),
};
const ALL = [...REAL, ...Object.keys(SYNTHETIC)];

/** The inbox's order, restated: due time, then workflow id. */
function inboxOrder(a: Item, b: Item): number {
  const [x, y] = [Date.parse(a.reviewDueAt!), Date.parse(b.reviewDueAt!)];
  if (x !== y) return x - y;
  return a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0;
}

describe('the reviewer inbox, a page at a time', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;
  const api = () => request(stack.url);

  /** The typed client as one of the parties. */
  const client = (party: Party): LendbridgeClient =>
    createLendbridgeClient({ baseUrl: stack.url, token: tokens[party].slice('Bearer '.length) });
  const task = (applicationId: string) => ({ params: { path: { tenant: 'bank-a', applicationId } } });

  const inbox = (query: InboxQuery, caller: Party = 'alice'): Promise<Page> =>
    unwrap(client(caller).GET('/v1/review-tasks', { params: { query } }));

  /** Every page from the first, `limit` at a time. */
  async function pageThrough(query: InboxQuery = {}): Promise<Page[]> {
    const pages: Page[] = [];
    let after: string | undefined;
    do {
      const page = await inbox({ ...query, limit: LIMIT, ...(after && { after }) });
      pages.push(page);
      after = page.nextCursor;
      expect(pages.length).toBeLessThanOrEqual(ALL.length + 1);
    } while (after);
    return pages;
  }

  /** Starts a workflow no worker runs: its search attributes alone make it a task in visibility. */
  async function synthetic(id: string, due: number, queue = 'HK-standard'): Promise<void> {
    await stack.workflows.workflow.start(LOAN_APPLICATION_WORKFLOW, {
      taskQueue: 'inbox-paging-nobody-polls',
      workflowId: `loan/bank-a/${id}`,
      args: [],
      typedSearchAttributes: [
        { key: SearchAttributeKeys.Tenant, value: 'bank-a' },
        { key: SearchAttributeKeys.LoanStage, value: 'IN_REVIEW' },
        { key: SearchAttributeKeys.ReviewQueue, value: queue },
        { key: SearchAttributeKeys.Jurisdiction, value: queue.slice(0, 2) },
        { key: SearchAttributeKeys.ReviewDueAt, value: new Date(due) },
      ],
    });
  }

  async function toReview(applicationId: string): Promise<void> {
    const bankA = client('bankA');
    const at = { params: { path: { applicationId } } };
    await unwrap(
      bankA.POST('/v1/applications', {
        body: {
          applicationId,
          loanSystemReference: `LOS-${applicationId}`,
          product: 'sme-credit-line',
          requestedLimit: { amount: '120000.00', currency: 'HKD' },
          applicantReference: 'pseudonym-PAGING01',
          applicantType: 'person',
          direction: 'southbound',
          reviewJurisdiction: 'HK',
        },
      }),
    );
    await unwrap(
      bankA.POST('/v1/applications/{applicationId}/consent', {
        ...at,
        body: { ...southboundConsent, issuer: HK_ISSUER },
      }),
    );
    // A hash nobody anchored: verdict NOT_ANCHORED, and the application is reviewed all the same.
    await unwrap(
      bankA.POST('/v1/applications/{applicationId}/credit-report', {
        ...at,
        body: {
          reportHash: randomBytes(32).toString('hex'),
          scheme: 'sha256-raw-v1',
          decisionFields: { score: 702, scoreBand: 'B', delinquencyFlags: [] },
        },
      }),
    );
  }

  beforeAll(async () => {
    stack = await startApiStack();
    tokens = await partyTokens();
    await Promise.all([
      ...Object.entries(SYNTHETIC).map(([id, due]) => synthetic(id, due)),
      // Not alice's: a senior queue's task, and another jurisdiction's.
      synthetic('SENIOR-1', NOW - 48 * HOUR, 'HK-senior'),
      synthetic('CN-1', NOW - 48 * HOUR, 'CN-standard'),
      ...REAL.map(toReview),
    ]);
    await eventually(
      () => inbox({ limit: 100 }),
      (page) => page.total === ALL.length && page.items.length === ALL.length,
      'every task in the inbox',
      { attempts: 600 },
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it(`pages ${LIMIT} at a time through all ${ALL.length} tasks: each once, in due order, total on every page`, async () => {
    const whole = await inbox({ limit: 100 });
    expect(whole.nextCursor).toBeUndefined();
    const expected = [...whole.items].sort(inboxOrder);
    expect(whole.items).toEqual(expected);
    expect(expected.slice(0, 3).map((item) => item.applicationId)).toEqual(['LATE-A', 'LATE-B', 'LATE-C']);
    expect(expected.slice(3, 10).map((item) => item.applicationId)).toEqual(
      Array.from({ length: 7 }, (_, i) => `TIE-${i + 1}`),
    );
    expect(expected.slice(10, 18).every((item) => REAL.includes(item.applicationId))).toBe(true);
    expect(expected.slice(18).map((item) => item.applicationId)).toEqual(
      Array.from({ length: 6 }, (_, i) => `END-${i + 1}`),
    );
    expect(expected.map((item) => item.overdue)).toEqual(expected.map((_, i) => i < 3));

    const pages = await pageThrough();
    expect(pages).toHaveLength(Math.ceil(ALL.length / LIMIT));
    for (const [i, page] of pages.entries()) {
      expect(page).toMatchObject({ queues: ['HK-standard'], total: ALL.length });
      expect(page.truncated).toBe(page.nextCursor !== undefined);
      expect(page.items).toHaveLength(i < pages.length - 1 ? LIMIT : ALL.length - LIMIT * (pages.length - 1));
    }
    expect(pages.flatMap((page) => page.items)).toEqual(expected);
  });

  it('keeps the queue and jurisdiction filters and the reviewer’s queues while paging', async () => {
    const filtered = await pageThrough({ queue: 'HK-standard', jurisdiction: 'HK' });
    expect(filtered.flatMap((page) => page.items.map((item) => item.applicationId))).toHaveLength(ALL.length);
    // A senior reviewer works both HK queues: the senior queue's task, the most overdue, comes first.
    const carol = await inbox({ limit: LIMIT }, 'carol');
    expect(carol).toMatchObject({ queues: ['HK-standard', 'HK-senior'], total: ALL.length + 1 });
    expect(carol.items.map((item) => item.applicationId)).toEqual(['SENIOR-1', 'LATE-A', 'LATE-B']);
    const carolNext = await inbox({ limit: LIMIT, after: carol.nextCursor! }, 'carol');
    expect(carolNext.items.map((item) => item.applicationId)).toEqual(['LATE-C', 'TIE-1', 'TIE-2']);
    const senior = await inbox({ limit: LIMIT, queue: 'HK-senior' }, 'carol');
    expect(senior.items.map((item) => item.applicationId)).toEqual(['SENIOR-1']);
    expect(senior.nextCursor).toBeUndefined();
    // Not alice's queues: nothing, and no cursor.
    expect(await inbox({ jurisdiction: 'CN' })).toEqual({ queues: [], total: 0, items: [], truncated: false });
    const cn = await inbox({ limit: LIMIT }, 'cnReviewer');
    expect(cn).toMatchObject({ queues: ['CN-standard'], total: 1, truncated: false });
    expect(cn.items.map((item) => item.applicationId)).toEqual(['CN-1']);
  });

  it('a task decided between pages leaves the inbox; the pages after still miss nothing', async () => {
    const first = await inbox({ limit: 15 });
    const rest = ALL.length - 15;
    const [decided] = REAL.filter((id) => !first.items.some((item) => item.applicationId === id)).slice(-1);
    const alice = client('alice');
    await unwrap(alice.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', task(decided!)));
    await unwrap(
      alice.POST('/v1/review-tasks/{tenant}/{applicationId}/decision', {
        ...task(decided!),
        body: { outcome: 'decline', reasonCodes: ['insufficient-income'] },
      }),
    );
    const after = await eventually(
      () => inbox({ limit: LIMIT, after: first.nextCursor! }),
      (page) => page.total === ALL.length - 1,
      'the decision in visibility',
    );
    const more: Item[] = [...after.items];
    for (let cursor = after.nextCursor; cursor;) {
      const page = await inbox({ limit: LIMIT, after: cursor });
      more.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(more.map((item) => item.applicationId).sort()).toEqual(
      ALL.filter((id) => !first.items.some((item) => item.applicationId === id) && id !== decided).sort(),
    );
    expect(more).toHaveLength(rest - 1);
  });

  it('refuses a cursor it did not issue or a garbled one (422), and one of the wrong shape or a limit out of range (400)', async () => {
    const forged = new InboxCursors('ee'.repeat(32)).seal({
      due: NOW,
      workflowId: 'loan/bank-a/TIE-1',
      ties: 1,
      span: 1,
    });
    const { nextCursor } = await inbox({ limit: LIMIT });
    const garbled = `${nextCursor!.slice(0, 5)}${nextCursor![5] === 'A' ? 'B' : 'A'}${nextCursor!.slice(6)}`;
    // Well formed as the document describes a cursor, and still not one this API issued.
    for (const query of [{ after: forged }, { after: garbled }]) {
      const refused = await api()
        .get('/v1/review-tasks')
        .query(query)
        .set('Authorization', tokens.alice)
        .expect(422)
        .expect('content-type', /application\/problem\+json/);
      expect(refused.body.errors).toEqual([{ field: 'after', message: expect.stringMatching(/after/) as string }]);
    }
    // Raw HTTP: these queries are malformed on purpose, which the typed client would not send.
    for (const query of [{ after: 'not-a-cursor' }, { limit: 0 }, { limit: 101 }, { limit: '2.5' }, { limit: '1e1' }]) {
      const refused = await api()
        .get('/v1/review-tasks')
        .query(query)
        .set('Authorization', tokens.alice)
        .expect(400)
        .expect('content-type', /application\/problem\+json/);
      expect(refused.body.errors).toEqual([
        { field: Object.keys(query)[0], message: expect.stringMatching(/after|limit/) as string },
      ]);
    }
  });
});
