/**
 * A loan system that parks applications in review through lendbridge's HTTP API, for
 * `npm run bench:scale`: create, consent, the hash of an anchored report (with its Merkle batch
 * proof), then the wait until lendbridge says the application is in review (its in-review webhook;
 * when that does not come, the application is read back). Nobody reviews: the application stays
 * open in IN_REVIEW, as 10,000 applications of a busy lender would.
 *
 * A request that got no answer, a 5xx or a 429 is sent again, with the same id and body, as the API
 * tells clients to; a 409 to such a retry means the first attempt did land. Anything else fails the
 * application.
 */
import { type AnchoredReport } from '#stack/anchored-reports';
import { consentBody, createBody, creditReportBody } from '#stack/load-requests';
import { type WebhookInbox } from '#stack/webhook-receiver';

export const TENANT = 'bank-a';
/** Longest one HTTP call may take before it counts as unanswered (and is retried). */
const REQUEST_TIMEOUT_MS = 30_000;
const ATTEMPTS = 5;

/** Milliseconds of each step of one application; they add up to `totalMs`. */
export interface ParkTiming {
  createMs: number;
  consentMs: number;
  reportMs: number;
  untilInReviewMs: number;
  totalMs: number;
}

export interface DriverCounters {
  requests: number;
  /** Requests sent again after no answer, a 5xx or a 429. */
  retries: number;
  /** Answers that called for a retry, by HTTP status (0: no answer in time, or a refused connection). */
  retriedAnswers: Record<string, number>;
  /** Applications whose in-review webhook did not come in time and were read back instead. */
  readBack: number;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export class ParkingDriver {
  readonly counters: DriverCounters = { requests: 0, retries: 0, retriedAnswers: {}, readBack: 0 };

  constructor(
    private readonly apiUrl: string,
    private readonly loanSystemToken: string,
    private readonly receiver: WebhookInbox,
    private readonly inReviewTimeoutMs: number,
  ) {}

  static workflowId(applicationId: string): string {
    return `loan/${TENANT}/${applicationId}`;
  }

  /** Creates the application only (the plain create rate); it stays awaiting consent. */
  async create(applicationId: string): Promise<number> {
    const t0 = performance.now();
    await this.send('create', 'POST', '/v1/applications', [200, 201], createBody(applicationId));
    return performance.now() - t0;
  }

  /** Creates the application and drives it until it is in review. */
  async park(applicationId: string, report: AnchoredReport): Promise<ParkTiming> {
    const path = `/v1/applications/${applicationId}`;
    const t0 = performance.now();
    await this.send('create', 'POST', '/v1/applications', [200, 201], createBody(applicationId));
    const t1 = performance.now();
    await this.send('consent', 'POST', `${path}/consent`, [200], consentBody('bench scale consent text v1'));
    const t2 = performance.now();
    await this.send('credit report', 'POST', `${path}/credit-report`, [200], creditReportBody(report));
    const t3 = performance.now();
    let inReviewAt: number;
    try {
      const event = await this.receiver.next(
        ParkingDriver.workflowId(applicationId),
        'application.in-review',
        this.inReviewTimeoutMs,
      );
      inReviewAt = Math.max(t3, event.at);
    } catch (error) {
      // No webhook in time: what does the application itself say?
      this.counters.readBack += 1;
      const read = await this.send('read', 'GET', path, [200]);
      if (read.body.stage !== 'IN_REVIEW') {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; stage ${String(read.body.stage)}`, {
          cause: error,
        });
      }
      inReviewAt = performance.now();
    }
    return {
      createMs: t1 - t0,
      consentMs: t2 - t1,
      reportMs: t3 - t2,
      untilInReviewMs: inReviewAt - t3,
      totalMs: inReviewAt - t0,
    };
  }

  /** Sends until an expected answer (or a 409 to a retry); throws on any other answer. */
  private async send(
    step: string,
    method: 'GET' | 'POST',
    path: string,
    expected: number[],
    body?: object,
  ): Promise<Answer> {
    let last = 'no attempt';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        this.counters.retries += 1;
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      }
      const answer = await this.call(method, path, body);
      if (expected.includes(answer.status)) return answer;
      // The first attempt landed but its answer was lost: the step is done.
      if (attempt > 0 && answer.status === 409 && method === 'POST') return answer;
      last = answer.status === 0 ? String(answer.body.error) : `${answer.status} ${JSON.stringify(answer.body)}`;
      const retry = answer.status === 0 || answer.status >= 500 || answer.status === 429;
      if (!retry) break;
      const key = String(answer.status);
      this.counters.retriedAnswers[key] = (this.counters.retriedAnswers[key] ?? 0) + 1;
    }
    throw new Error(`${step} ${method} ${path}: ${last.slice(0, 300)}`);
  }

  private async call(method: 'GET' | 'POST', path: string, body?: object): Promise<Answer> {
    this.counters.requests += 1;
    try {
      const response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: { authorization: this.loanSystemToken, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch (error) {
      return { status: 0, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  }
}
