/**
 * Loan systems and reviewers under fault injection: each application is driven through lendbridge's
 * HTTP API from whatever stage it is in, read back each time, so a lost answer, a 503 or a refused
 * connection only means "read the application again and carry on". Every retry uses the same
 * application id and the same body, as the API tells clients to.
 *
 * Answers that mean the client did something wrong (400, 403, 404, 422, a 409 on create) are not
 * retried; they are recorded, and the run counts the application as failed.
 */
import { signDevToken } from '#api/auth/dev-token';
import { TERMINAL_STAGES, type LoanStage } from '#domain';
import { type AnchoredReport } from '#stack/anchored-reports';
import { consentBody, createBody, creditReportBody, RECOMMENDED_LIMIT } from '#stack/load-requests';
import { sleep } from '#stack/stack';

export const TENANT = 'bank-a';
/** Longest one HTTP call may take before the client gives up on it and reads the state again. */
const REQUEST_TIMEOUT_MS = 20_000;

export type Intent = 'approve' | 'decline';

/** What the client side knows about one application. */
export interface DrivenApplication {
  applicationId: string;
  workflowId: string;
  intent: Intent;
  report: AnchoredReport;
  /** How many creates were answered 201 "created": more than one would be a second application. */
  createdAnswers: number;
  lastStage?: LoanStage;
  finalStage?: LoanStage;
  /** Answers that say the client erred, or an application that never ended: each a failure. */
  problems: string[];
  requests: number;
  retriedRequests: number;
}

interface Answer {
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  body: Record<string, unknown>;
}

export interface DriverTokens {
  loanSystem: string;
  reviewer: string;
}

export async function driverTokens(jwtSecret: string): Promise<DriverTokens> {
  const sign = (claims: Parameters<typeof signDevToken>[1]): Promise<string> =>
    signDevToken(jwtSecret, claims, { expiresIn: '12h' });
  return {
    loanSystem: `Bearer ${await sign({ sub: 'los-bank-a', roles: ['loan-system'], tenant: TENANT })}`,
    reviewer: `Bearer ${await sign({ sub: 'chaos-reviewer', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] })}`,
  };
}

export class LoanDriver {
  constructor(
    private readonly apiUrls: string[],
    private readonly tokens: DriverTokens,
  ) {}

  /** Last stage read of each application still being driven, for fault scripts that aim at a stage. */
  readonly inFlight = new Map<string, DrivenApplication>();

  stagesInFlight(): Partial<Record<LoanStage, number>> {
    const counts: Partial<Record<LoanStage, number>> = {};
    for (const app of this.inFlight.values()) {
      if (app.lastStage) counts[app.lastStage] = (counts[app.lastStage] ?? 0) + 1;
    }
    return counts;
  }

  /** Drives `app` until it reaches a terminal stage or `deadline` (epoch ms) passes. */
  async drive(app: DrivenApplication, apiIndex: number, deadline: number): Promise<void> {
    const base = this.apiUrls[apiIndex % this.apiUrls.length]!;
    this.inFlight.set(app.applicationId, app);
    try {
      await this.create(app, base, deadline);
      let pause = 250;
      while (app.problems.length === 0 && Date.now() < deadline) {
        const read = await this.call(app, base, 'GET', `/v1/applications/${app.applicationId}`, this.tokens.loanSystem);
        if (read.status !== 200) {
          if (this.clientError(app, 'read', read)) return;
          await sleep(500);
          continue;
        }
        const stage = read.body.stage as LoanStage;
        const moved = stage !== app.lastStage;
        app.lastStage = stage;
        if (TERMINAL_STAGES.includes(stage)) {
          app.finalStage = stage;
          return;
        }
        if (!(await this.act(app, base, stage))) return;
        pause = moved ? 250 : Math.min(2_000, pause * 2);
        await sleep(pause);
      }
      if (app.problems.length === 0) app.problems.push(`still ${app.lastStage ?? 'not created'} at the deadline`);
    } finally {
      this.inFlight.delete(app.applicationId);
    }
  }

  private async create(app: DrivenApplication, base: string, deadline: number): Promise<void> {
    const body = createBody(app.applicationId);
    while (Date.now() < deadline) {
      const answer = await this.call(app, base, 'POST', '/v1/applications', this.tokens.loanSystem, body);
      if (answer.status === 201) app.createdAnswers += 1;
      if (answer.status === 200 || answer.status === 201) return;
      if (this.clientError(app, 'create', answer)) return;
      await sleep(500);
    }
  }

  /** The next step for the stage the application is in; false when the client erred. */
  private async act(app: DrivenApplication, base: string, stage: LoanStage): Promise<boolean> {
    const path = `/v1/applications/${app.applicationId}`;
    const task = `/v1/review-tasks/${TENANT}/${app.applicationId}`;
    let answer: Answer | undefined;
    if (stage === 'AWAITING_CONSENT') {
      answer = await this.call(
        app,
        base,
        'POST',
        `${path}/consent`,
        this.tokens.loanSystem,
        consentBody('chaos consent text v1'),
      );
    } else if (stage === 'AWAITING_REPORT') {
      answer = await this.call(
        app,
        base,
        'POST',
        `${path}/credit-report`,
        this.tokens.loanSystem,
        creditReportBody(app.report),
      );
    } else if (stage === 'IN_REVIEW') {
      answer = await this.call(app, base, 'POST', `${task}/claim`, this.tokens.reviewer);
      if (answer.status === 200) {
        const decision =
          app.intent === 'approve'
            ? { outcome: 'approve', recommendedLimit: RECOMMENDED_LIMIT }
            : { outcome: 'decline', reasonCodes: ['insufficient-income'] };
        answer = await this.call(app, base, 'POST', `${task}/decision`, this.tokens.reviewer, decision);
      }
    }
    // 409: the step is done already (an earlier attempt whose answer was lost) or the stage moved on.
    return !answer || answer.status === 409 || !this.clientError(app, stage, answer);
  }

  /** Records an answer that says the client erred; false for success and answers worth a retry. */
  private clientError(app: DrivenApplication, step: string, answer: Answer): boolean {
    const retry = answer.status === 0 || answer.status >= 500 || answer.status === 429;
    if (retry || (answer.status >= 200 && answer.status < 300)) return false;
    const { detail, title } = answer.body;
    app.problems.push(`${step}: ${answer.status} ${typeof detail === 'string' ? detail : String(title)}`);
    return true;
  }

  private async call(
    app: DrivenApplication,
    base: string,
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: object,
  ): Promise<Answer> {
    app.requests += 1;
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: token, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status >= 500) app.retriedRequests += 1;
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch {
      app.retriedRequests += 1;
      return { status: 0, body: {} };
    }
  }
}
