/**
 * The demo's parties calling lendbridge's HTTP API through the typed client (#client), as a loan
 * system or a reviewer would: each method is one operation of the API's OpenAPI document, its
 * request checked against the document's schemas at compile time. A refusal surfaces as the
 * client's LendbridgeError, carrying the API's problem document.
 */
import {
  createLendbridgeClient,
  LendbridgeError,
  unwrap,
  uploadCreditReport,
  type DecisionFields,
  type LendbridgeClient,
  type paths,
  type Schemas,
} from '#client';
import { type LoanStage, type Money } from '#domain';

// The document describes the requests but not yet the views the API answers with; these are the
// fields of those views the demo reads (see libs/api/src/applications/application-view.ts).

/** The loan system's view of an application. */
export interface Application {
  tenant: string;
  applicationId: string;
  workflowId: string;
  stage: LoanStage;
  consent?: { issuer: string; evidenceHash?: string };
  report?: { reportHash: string; scheme: string };
  verification?: { verdict: string };
  documents?: { key: string; status: string; current?: { verdict?: string } }[];
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

export type NewApplication = Schemas['CreateApplicationDto'];
export type ReviewDecision = Schemas['ReviewDecisionDto'];
export type ApplicationQuery = NonNullable<paths['/v1/applications']['get']['parameters']['query']>;

/** Nothing answered at the API's address: the stack is not running there. */
export class ApiUnreachableError extends Error {}

/** Longest the demo waits for one answer: the API itself gives up on Temporal after 10 s. */
const REQUEST_TIMEOUT_MS = 30_000;

export class LendbridgeApi {
  private readonly client: LendbridgeClient;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {
    this.client = createLendbridgeClient({
      baseUrl,
      token,
      fetch: (request) => fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    });
  }

  /** The same client acting as someone else. */
  as(token: string): LendbridgeApi {
    return new LendbridgeApi(this.baseUrl, token);
  }

  createApplication(body: NewApplication): Promise<Application> {
    return this.call<Application>(this.client.POST('/v1/applications', { body }));
  }

  getApplication(applicationId: string): Promise<Application> {
    return this.call<Application>(
      this.client.GET('/v1/applications/{applicationId}', { params: { path: { applicationId } } }),
    );
  }

  listApplications(query: ApplicationQuery): Promise<{ items: ApplicationSummary[] }> {
    return this.call<{ items: ApplicationSummary[] }>(this.client.GET('/v1/applications', { params: { query } }));
  }

  /** Either consent: a credit report's (ConsentDto) or a document set's (DocumentConsentDto). */
  grantConsent(
    applicationId: string,
    consent: Schemas['ConsentDto'] | Schemas['DocumentConsentDto'],
  ): Promise<Application> {
    return this.call<Application>(
      this.client.POST('/v1/applications/{applicationId}/consent', {
        params: { path: { applicationId } },
        body: consent,
      }),
    );
  }

  withdraw(applicationId: string, reasonCode: Schemas['WithdrawalDto']['reasonCode']): Promise<Application> {
    return this.call<Application>(
      this.client.POST('/v1/applications/{applicationId}/withdrawal', {
        params: { path: { applicationId } },
        body: { reasonCode },
      }),
    );
  }

  /** Uploads the report as the applicant handed it over: the API hashes it as it streams and keeps only the hash. */
  uploadCreditReport(applicationId: string, report: Uint8Array, decisionFields: DecisionFields): Promise<Application> {
    const file = new Blob([report], { type: 'application/pdf' });
    return this.call<Application>(uploadCreditReport(this.client, applicationId, { report: file, decisionFields }));
  }

  listDocuments(applicationId: string): Promise<Schemas['DocumentListDto']> {
    return this.call<Schemas['DocumentListDto']>(
      this.client.GET('/v1/applications/{applicationId}/documents', { params: { path: { applicationId } } }),
    );
  }

  submitDocument(applicationId: string, document: Schemas['DocumentSubmissionDto']): Promise<Application> {
    return this.call<Application>(
      this.client.POST('/v1/applications/{applicationId}/documents', {
        params: { path: { applicationId } },
        body: document,
      }),
    );
  }

  getTask(tenant: string, applicationId: string): Promise<ReviewTask> {
    return this.call<ReviewTask>(
      this.client.GET('/v1/review-tasks/{tenant}/{applicationId}', { params: { path: { tenant, applicationId } } }),
    );
  }

  claim(tenant: string, applicationId: string): Promise<ReviewTask> {
    return this.call<ReviewTask>(
      this.client.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', {
        params: { path: { tenant, applicationId } },
      }),
    );
  }

  decide(tenant: string, applicationId: string, decision: ReviewDecision): Promise<ReviewTask> {
    return this.call<ReviewTask>(
      this.client.POST('/v1/review-tasks/{tenant}/{applicationId}/decision', {
        params: { path: { tenant, applicationId } },
        body: decision,
      }),
    );
  }

  /** The answer as the view the demo reads; a refusal as the API's problem; no answer as ApiUnreachableError. */
  private async call<T>(request: Promise<{ response: Response; data?: unknown; error?: unknown }>): Promise<T> {
    try {
      return (await unwrap(request)) as T;
    } catch (error) {
      if (error instanceof LendbridgeError) throw error;
      throw new ApiUnreachableError(`no answer from ${this.baseUrl} (${describe(error)}): is npm run dev running?`, {
        cause: error,
      });
    }
  }
}

/** GET /health: 200 when the API reaches Temporal and the ledger. Never throws. */
export async function checkHealth(baseUrl: string): Promise<{ up: boolean; reason: string }> {
  const client = createLendbridgeClient({
    baseUrl,
    fetch: (request) => fetch(request, { signal: AbortSignal.timeout(5_000) }),
  });
  try {
    const { response, error } = await client.GET('/health');
    if (response.ok) return { up: true, reason: 'up' };
    return { up: false, reason: `GET /health answered ${response.status} ${JSON.stringify(error)}` };
  } catch (error) {
    return { up: false, reason: `nothing answers at ${baseUrl} (${describe(error)})` };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return cause?.code ?? error.message;
}
