/**
 * Loan systems and reviewers under fault injection: each application is driven through lendbridge's
 * HTTP API (through the typed client) from whatever stage it is in, read back each time, so a lost answer, a 503 or a refused
 * connection only means "read the application again and carry on". Every retry uses the same
 * application id and the same body, as the API tells clients to.
 *
 * Answers that mean the client did something wrong (400, 403, 404, 422, a 409 on create) are not
 * retried; they are recorded, and the run counts the application as failed.
 */
import { signDevToken } from '#api/auth/dev-token';
import { createLendbridgeClient, type LendbridgeClient, type Schemas } from '#client';
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
    loanSystem: await sign({ sub: 'los-bank-a', roles: ['loan-system'], tenant: TENANT }),
    reviewer: await sign({ sub: 'chaos-reviewer', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] }),
  };
}

/** The loan system's and the reviewer's clients for one API instance. */
interface Parties {
  loanSystem: LendbridgeClient;
  reviewer: LendbridgeClient;
}

export class LoanDriver {
  private readonly clients = new Map<string, Parties>();

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
    const api = this.partiesAt(this.apiUrls[apiIndex % this.apiUrls.length]!);
    this.inFlight.set(app.applicationId, app);
    try {
      await this.create(app, api, deadline);
      let pause = 250;
      while (app.problems.length === 0 && Date.now() < deadline) {
        const read = await this.call(app, () =>
          api.loanSystem.GET('/v1/applications/{applicationId}', at(app.applicationId)),
        );
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
        if (!(await this.act(app, api, stage))) return;
        pause = moved ? 250 : Math.min(2_000, pause * 2);
        await sleep(pause);
      }
      if (app.problems.length === 0) app.problems.push(`still ${app.lastStage ?? 'not created'} at the deadline`);
    } finally {
      this.inFlight.delete(app.applicationId);
    }
  }

  private async create(app: DrivenApplication, api: Parties, deadline: number): Promise<void> {
    const body = createBody(app.applicationId);
    while (Date.now() < deadline) {
      const answer = await this.call(app, () => api.loanSystem.POST('/v1/applications', { body }));
      if (answer.status === 201) app.createdAnswers += 1;
      if (answer.status === 200 || answer.status === 201) return;
      if (this.clientError(app, 'create', answer)) return;
      await sleep(500);
    }
  }

  /** The next step for the stage the application is in; false when the client erred. */
  private async act(app: DrivenApplication, api: Parties, stage: LoanStage): Promise<boolean> {
    const { applicationId } = app;
    const task = { params: { path: { tenant: TENANT, applicationId } } };
    let answer: Answer | undefined;
    if (stage === 'AWAITING_CONSENT') {
      answer = await this.call(app, () =>
        api.loanSystem.POST('/v1/applications/{applicationId}/consent', {
          ...at(applicationId),
          body: consentBody('chaos consent text v1'),
        }),
      );
    } else if (stage === 'AWAITING_REPORT') {
      answer = await this.call(app, () =>
        api.loanSystem.POST('/v1/applications/{applicationId}/credit-report', {
          ...at(applicationId),
          body: creditReportBody(app.report),
        }),
      );
    } else if (stage === 'IN_REVIEW') {
      answer = await this.call(app, () => api.reviewer.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', task));
      if (answer.status === 200) {
        const decision: Schemas['ReviewDecisionDto'] =
          app.intent === 'approve'
            ? { outcome: 'approve', recommendedLimit: RECOMMENDED_LIMIT }
            : { outcome: 'decline', reasonCodes: ['insufficient-income'] };
        answer = await this.call(app, () =>
          api.reviewer.POST('/v1/review-tasks/{tenant}/{applicationId}/decision', { ...task, body: decision }),
        );
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

  private partiesAt(baseUrl: string): Parties {
    let parties = this.clients.get(baseUrl);
    if (!parties) {
      // Each call gives up after REQUEST_TIMEOUT_MS; the driver then reads the state again.
      const fetchWithTimeout = (request: Request) =>
        fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      parties = {
        loanSystem: createLendbridgeClient({ baseUrl, token: this.tokens.loanSystem, fetch: fetchWithTimeout }),
        reviewer: createLendbridgeClient({ baseUrl, token: this.tokens.reviewer, fetch: fetchWithTimeout }),
      };
      this.clients.set(baseUrl, parties);
    }
    return parties;
  }

  /** One API call as an Answer: a refused, reset or timed-out connection is status 0. */
  private async call(
    app: DrivenApplication,
    request: () => Promise<{ response: Response; data?: unknown; error?: unknown }>,
  ): Promise<Answer> {
    app.requests += 1;
    try {
      const { response, data, error } = await request();
      if (response.status >= 500) app.retriedRequests += 1;
      const body = response.ok ? data : error;
      return {
        status: response.status,
        body: typeof body === 'object' && body !== null ? (body as Answer['body']) : {},
      };
    } catch {
      app.retriedRequests += 1;
      return { status: 0, body: {} };
    }
  }
}

const at = (applicationId: string) => ({ params: { path: { applicationId } } });
