/**
 * Timing the reviewer inbox of `npm run bench:scale`: sequential `GET /v1/review-tasks` calls after a
 * warm-up, and, to tell where the time goes, what Temporal's visibility store costs by itself: a
 * list of the inbox's query per row read, and a COUNT (the paged inbox finds its window with COUNTs).
 */
import { type Connection } from '@temporalio/client';
import { summarize, type LatencySummary } from './stats.js';

export interface InboxRun {
  path: string;
  latency: LatencySummary;
  /** Items of the last answer; `total` (open tasks on every page) and `truncated` as the API said. */
  items: number;
  total?: number;
  truncated: boolean;
  /** The last answer's cursor to the next page, if any. */
  nextCursor?: string;
  queues: string[];
  /** Size of one answer's body. */
  bytes: number;
  /** True when the last answer listed its items by due time, earliest first. */
  sortedByDue: boolean;
}

interface InboxBody {
  queues: string[];
  total?: number;
  items: { reviewDueAt?: string; stage?: string }[];
  nextCursor?: string;
  truncated: boolean;
}

/** `warmup` untimed calls, then `calls` timed ones, one at a time; the body is read in full. */
export async function measureInbox(
  apiUrl: string,
  path: string,
  token: string,
  options: { warmup: number; calls: number; progress(done: number): void },
): Promise<InboxRun> {
  const once = async (): Promise<{ ms: number; text: string }> => {
    const t0 = performance.now();
    const response = await fetch(`${apiUrl}${path}`, {
      headers: { authorization: token },
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return { ms, text };
  };
  for (let i = 0; i < options.warmup; i++) await once();
  const times: number[] = [];
  let last = '';
  for (let i = 0; i < options.calls; i++) {
    const { ms, text } = await once();
    times.push(ms);
    last = text;
    options.progress(i + 1);
  }
  const body = JSON.parse(last || '{"queues":[],"items":[],"truncated":false}') as InboxBody;
  const due = body.items.map((item) => (item.reviewDueAt ? Date.parse(item.reviewDueAt) : 0));
  return {
    path,
    latency: summarize(times),
    items: body.items.length,
    ...(body.total !== undefined && { total: body.total }),
    truncated: body.truncated,
    ...(body.nextCursor !== undefined && { nextCursor: body.nextCursor }),
    queues: body.queues,
    bytes: Buffer.byteLength(last),
    sortedByDue: due.every((value, i) => i === 0 || due[i - 1]! <= value),
  };
}

export interface VisibilityRun {
  query: string;
  pageSize: number;
  /** Time to read the first page only. */
  firstPage: LatencySummary;
  /** Time to read every page the API would read for one inbox (at most `maxPages`). */
  allPages: LatencySummary;
  pagesRead: number;
  rows: number;
  /** True when more pages were left when the reading stopped at `maxPages`. */
  moreLeft: boolean;
}

/** The inbox's visibility reads, straight from Temporal, `calls` times after one warm-up. */
export async function measureVisibility(
  connection: Connection,
  namespace: string,
  query: string,
  options: { pageSize: number; maxPages: number; calls: number },
): Promise<VisibilityRun> {
  const readAll = async (): Promise<{ firstMs: number; allMs: number; pages: number; rows: number; more: boolean }> => {
    const t0 = performance.now();
    let firstMs = 0;
    let pages = 0;
    let rows = 0;
    let token: Uint8Array | undefined;
    do {
      const response = await connection.workflowService.listWorkflowExecutions({
        namespace,
        query,
        pageSize: options.pageSize,
        nextPageToken: token,
      });
      if (pages === 0) firstMs = performance.now() - t0;
      pages += 1;
      rows += response.executions?.length ?? 0;
      token = response.nextPageToken?.length ? response.nextPageToken : undefined;
    } while (token && pages < options.maxPages);
    return { firstMs, allMs: performance.now() - t0, pages, rows, more: token !== undefined };
  };
  await readAll();
  const runs = [];
  for (let i = 0; i < options.calls; i++) runs.push(await readAll());
  const last = runs[runs.length - 1];
  return {
    query,
    pageSize: options.pageSize,
    firstPage: summarize(runs.map((run) => run.firstMs)),
    allPages: summarize(runs.map((run) => run.allMs)),
    pagesRead: last?.pages ?? 0,
    rows: last?.rows ?? 0,
    moreLeft: last?.more ?? false,
  };
}

/** `calls` CountWorkflowExecutions of `query`, one at a time, after one warm-up. */
export async function measureCount(
  connection: Connection,
  namespace: string,
  query: string,
  calls: number,
): Promise<{ count: number; latency: LatencySummary }> {
  let { count } = await countWorkflows(connection, namespace, query);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const run = await countWorkflows(connection, namespace, query);
    times.push(run.ms);
    count = run.count;
  }
  return { count, latency: summarize(times) };
}

/** CountWorkflowExecutions for `query`, and how long it took. */
export async function countWorkflows(
  connection: Connection,
  namespace: string,
  query: string,
): Promise<{ count: number; ms: number }> {
  const t0 = performance.now();
  const response = await connection.workflowService.countWorkflowExecutions({ namespace, query });
  return { count: Number(response.count ?? 0), ms: performance.now() - t0 };
}
