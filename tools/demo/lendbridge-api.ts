/**
 * A small client of lendbridge's HTTP API, as a loan system or a reviewer calls it: `fetch`, a
 * bearer token, JSON in and out, and the report as a multipart upload. A refusal becomes an
 * ApiError carrying the problem's status and detail, so the demo can say what went wrong.
 */
import { type ConsentGrant, type DecisionFields, type LoanStage, type Money } from '#domain';

/** The fields of an application view the demo reads (see libs/api/src/applications/application-view.ts). */
export interface Application {
  tenant: string;
  applicationId: string;
  workflowId: string;
  stage: LoanStage;
  consent?: { issuer: string; evidenceHash?: string };
  report?: { reportHash: string; scheme: string };
  verification?: { verdict: string };
  review?: { queue: string; escalated: boolean; dueAt: string; approvals: number; approvalsRequired: number };
  decision?: { outcome: string; limit?: Money; reasonCodes?: string[]; policyVersion: string };
  timeline: { at: string; stage: string; event: string }[];
  links: { self: string; temporalUi: string };
}

/** A reviewer's view of the same application. */
export interface ReviewTask {
  applicationId: string;
  stage: LoanStage;
  verification?: { verdict: string };
  review?: {
    queue: string;
    escalated: boolean;
    dueAt: string;
    claimedBy?: string;
    approvalsRequired: number;
    decisions: { reviewer: string; at: string; outcome: { kind: string } }[];
  };
}

export interface ApplicationSummary {
  applicationId: string;
  stage?: string;
  queue?: string;
}

export interface NewApplication {
  applicationId: string;
  loanSystemReference: string;
  product: string;
  requestedLimit: Money;
  applicantReference: string;
  direction: 'northbound' | 'southbound';
  reviewJurisdiction: string;
}

export type ReviewDecision =
  | { outcome: 'approve'; recommendedLimit: Money; notes?: string }
  | { outcome: 'decline'; reasonCodes: string[]; notes?: string };

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${method} ${path} answered ${status}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** Longest the demo waits for one answer: the API itself gives up on Temporal after 10 s. */
const REQUEST_TIMEOUT_MS = 30_000;

export class LendbridgeApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The same client acting as someone else. */
  as(token: string): LendbridgeApi {
    return new LendbridgeApi(this.baseUrl, token);
  }

  createApplication(body: NewApplication): Promise<Application> {
    return this.call('POST', '/v1/applications', body);
  }

  getApplication(id: string): Promise<Application> {
    return this.call('GET', `/v1/applications/${id}`);
  }

  listApplications(query: { stage?: string; outcome?: string; queue?: string; pageSize?: string }): Promise<{
    items: ApplicationSummary[];
  }> {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]));
    return this.call('GET', `/v1/applications${params.size > 0 ? `?${params.toString()}` : ''}`);
  }

  grantConsent(id: string, consent: ConsentGrant): Promise<Application> {
    return this.call('POST', `/v1/applications/${id}/consent`, consent);
  }

  withdraw(id: string, reasonCode: string): Promise<Application> {
    return this.call('POST', `/v1/applications/${id}/withdrawal`, { reasonCode });
  }

  /** Uploads the report as the applicant handed it over: the API hashes it as it streams and keeps only the hash. */
  uploadCreditReport(id: string, report: Uint8Array, decisionFields: DecisionFields): Promise<Application> {
    const form = new FormData();
    form.append('scheme', 'sha256-raw-v1'); // first: the API must know how to hash before the file arrives
    form.append('decisionFields', JSON.stringify(decisionFields));
    form.append('report', new Blob([report], { type: 'application/pdf' }), 'credit-report.pdf');
    return this.call('POST', `/v1/applications/${id}/credit-report`, form);
  }

  getTask(tenant: string, id: string): Promise<ReviewTask> {
    return this.call('GET', `/v1/review-tasks/${tenant}/${id}`);
  }

  claim(tenant: string, id: string): Promise<ReviewTask> {
    return this.call('POST', `/v1/review-tasks/${tenant}/${id}/claim`);
  }

  decide(tenant: string, id: string, decision: ReviewDecision): Promise<ReviewTask> {
    return this.call('POST', `/v1/review-tasks/${tenant}/${id}/decision`, decision);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(
        method,
        path,
        0,
        `no answer from ${this.baseUrl} (${describe(error)}): is npm run dev running?`,
      );
    }
    const text = await response.text();
    if (!response.ok) throw new ApiError(method, path, response.status, problemDetail(text));
    return JSON.parse(text) as T;
  }
}

/** GET /health: 200 when the API reaches Temporal and the ledger. Never throws. */
export async function checkHealth(baseUrl: string): Promise<{ up: boolean; reason: string }> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    if (response.ok) return { up: true, reason: 'up' };
    return { up: false, reason: `GET /health answered ${response.status} ${await response.text()}` };
  } catch (error) {
    return { up: false, reason: `nothing answers at ${baseUrl} (${describe(error)})` };
  }
}

/** An RFC 9457 problem's detail (and field errors), or the raw text of an answer that is not one. */
function problemDetail(text: string): string {
  try {
    const problem = JSON.parse(text) as {
      title?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
    return [problem.detail ?? problem.title ?? text, fields].filter(Boolean).join(' - ');
  } catch {
    return text.slice(0, 300);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return cause?.code ?? error.message;
}
