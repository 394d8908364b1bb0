/**
 * Who may call what, over HTTP on the real stack: every endpoint against every caller (OWASP API5,
 * function level) and against applications that are not the caller's (API1, object level). Each
 * request body is valid for the caller the endpoint admits, so identity is the only variable; a
 * refused mutation must leave the application exactly as it was, and an admitted one gets an
 * application of its own so that no cell spoils another.
 */
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { signDevToken } from '#api/auth/dev-token';
import { AesGcmCodec, payloadsToJson, type PayloadsJson } from '#codec';
import { applicationWorkflowId, DEFAULT_POLICY, LOAN_APPLICATION_WORKFLOW, type ApplicationInput } from '#domain';
import { PARTIES, partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { TEST_JWT_SECRET } from '#test-support/config';
import { eventually } from '#test-support/eventually';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';

/** Who calls: no credentials, credentials that fail verification, and the parties of api-stack. */
const CALLERS = [
  'none',
  'badToken',
  'expired',
  'bankA',
  'bankB',
  'alice',
  'carol',
  'cnReviewer',
  'bankBReviewer',
  'ops',
  'supervisor',
] as const;
type Caller = (typeof CALLERS)[number];
type Authenticated = Exclude<Caller, 'none' | 'badToken' | 'expired'>;
const isAuthenticated = (caller: Caller): caller is Authenticated => caller in PARTIES;

type Expected = Record<Caller, number>;
type Owner = 'bankA' | 'bankB';
/** A response body as supertest parses it: loose JSON. */
type Json = request.Response['body'];

/**
 * 401 without valid credentials, 403 for a valid token without one of `roles` (function level),
 * `allowed` for the rest; `overrides` set the object-level cells (404 for what is not yours).
 */
function gate(roles: string[], allowed: number, overrides: Partial<Expected> = {}): Expected {
  const status = (caller: Caller): number => {
    if (!isAuthenticated(caller)) return 401;
    return (PARTIES[caller].roles as readonly string[]).some((role) => roles.includes(role)) ? allowed : 403;
  };
  return Object.fromEntries(CALLERS.map((caller) => [caller, overrides[caller] ?? status(caller)])) as Expected;
}
/** Served to anyone, whatever Authorization header comes along. */
const open = (): Expected => Object.fromEntries(CALLERS.map((caller) => [caller, 200])) as Expected;

const LOAN_SYSTEM = ['loan-system'];
const REVIEWERS = ['reviewer', 'senior-reviewer'];
const OPS = ['ops'];
const SUPERVISORS = ['supervisor'];
/** A day that ended over an hour ago, within the namespace's retention: one the supervisor's view counts. */
const dayBeforeYesterday = (): string => new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);

/** The state an application must be in for the endpoint's allowed caller to succeed. */
const FIXTURES = {
  consentPending: { stage: 'AWAITING_CONSENT', jurisdiction: 'HK' },
  reportPending: { stage: 'AWAITING_REPORT', jurisdiction: 'HK' },
  inReview: { stage: 'IN_REVIEW', jurisdiction: 'HK' },
  /** Claimed by alice when shared; by the caller when the cell has an application of its own. */
  claimed: { stage: 'CLAIMED', jurisdiction: 'HK' },
  inReviewCN: { stage: 'IN_REVIEW', jurisdiction: 'CN' },
} as const;
type Fixture = keyof typeof FIXTURES;

interface Row {
  endpoint: string;
  method: 'get' | 'post';
  /** The bank-a application the request names; 'new' for a fresh id (create); absent when none. */
  target?: Fixture | 'new';
  /** Changes the application: allowed cells get their own, refused cells must change nothing. */
  mutates?: boolean;
  path: (id: string) => string;
  body?: (id: string) => object;
  expected: Expected;
  /** What a successful answer must say, beyond its status. */
  check?: (body: Json, caller: Caller, id: string) => void;
}

const FIELDS = { score: 640, scoreBand: 'C', delinquencyFlags: [] };
const CONSENT = { ...southboundConsent, issuer: HK_ISSUER };
const DECLINE = { outcome: 'decline', reasonCodes: ['insufficient-income'] };
/** A hash nobody anchored: the verdict is NOT_ANCHORED, and the review happens anyway (manualReview 'always'). */
const reportBody = (): object => ({
  reportHash: randomBytes(32).toString('hex'),
  scheme: 'sha256-raw-v1',
  decisionFields: FIELDS,
});
const createBody = (applicationId: string, reviewJurisdiction = 'HK'): Record<string, unknown> => ({
  applicationId,
  loanSystemReference: `LOS-${applicationId}`,
  product: 'sme-credit-line',
  requestedLimit: { amount: '120000.00', currency: 'HKD' },
  applicantReference: 'pseudonym-AUTHZ0001',
  applicantType: 'person',
  direction: 'southbound',
  reviewJurisdiction,
});
const PLAIN = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'ImhlbGxvIg==' };
/** Set in beforeAll: PLAIN encrypted with the stack's key, a body the decode endpoint accepts. */
let encrypted: PayloadsJson;

function claimsOf(caller: Caller): { sub: string; tenant?: string } | undefined {
  return isAuthenticated(caller) ? PARTIES[caller] : undefined;
}
const task = (id: string): string => `/v1/review-tasks/bank-a/${id}`;

/** Ids of the shared applications that reads and refused cells name; none of them ever changes. */
const shared = {} as Record<Fixture, string>;
for (const fixture of Object.keys(FIXTURES) as Fixture[]) shared[fixture] = `S-${fixture}`;

const ROWS: Row[] = [
  {
    endpoint: 'POST /v1/applications',
    method: 'post',
    target: 'new',
    mutates: true,
    path: () => '/v1/applications',
    body: (id) => createBody(id),
    expected: gate(LOAN_SYSTEM, 201),
    check: (body, caller, id) =>
      expect(body).toMatchObject({
        tenant: claimsOf(caller)?.tenant,
        applicationId: id,
        submittedBy: claimsOf(caller)?.sub,
      }),
  },
  {
    endpoint: 'GET /v1/applications',
    method: 'get',
    path: () => '/v1/applications',
    expected: gate(LOAN_SYSTEM, 200),
    check: (body, caller) => {
      const tenants = (body.items as { tenant: string }[]).map((item) => item.tenant);
      // Non-empty for both: each tenant's own fixture is visible by then (see beforeAll).
      expect(tenants.length).toBeGreaterThan(0);
      expect(new Set(tenants)).toEqual(new Set([claimsOf(caller)?.tenant]));
    },
  },
  {
    endpoint: 'GET /v1/applications/:id',
    method: 'get',
    target: 'inReview',
    path: (id) => `/v1/applications/${id}`,
    expected: gate(LOAN_SYSTEM, 200, { bankB: 404 }),
    check: (body, _caller, id) => expect(body).toMatchObject({ tenant: 'bank-a', applicationId: id }),
  },
  {
    endpoint: 'POST /v1/applications/:id/consent',
    method: 'post',
    target: 'consentPending',
    mutates: true,
    path: (id) => `/v1/applications/${id}/consent`,
    body: () => CONSENT,
    expected: gate(LOAN_SYSTEM, 200, { bankB: 404 }),
    check: (body) => expect(body.consent).toMatchObject({ issuer: HK_ISSUER }),
  },
  {
    endpoint: 'POST /v1/applications/:id/consent/revocation',
    method: 'post',
    target: 'reportPending',
    mutates: true,
    path: (id) => `/v1/applications/${id}/consent/revocation`,
    body: () => ({ reasonCode: 'consent-withdrawn' }),
    expected: gate(LOAN_SYSTEM, 200, { bankB: 404 }),
    check: (body) => expect(JSON.stringify(body.timeline)).toContain('consent revoked'),
  },
  {
    endpoint: 'POST /v1/applications/:id/withdrawal',
    method: 'post',
    target: 'inReview',
    mutates: true,
    path: (id) => `/v1/applications/${id}/withdrawal`,
    body: () => ({ reasonCode: 'applicant-request' }),
    expected: gate(LOAN_SYSTEM, 200, { bankB: 404 }),
    check: (body) => expect(JSON.stringify(body.timeline)).toContain('withdrawn by the loan system'),
  },
  {
    endpoint: 'POST /v1/applications/:id/credit-report',
    method: 'post',
    target: 'reportPending',
    mutates: true,
    path: (id) => `/v1/applications/${id}/credit-report`,
    body: reportBody,
    expected: gate(LOAN_SYSTEM, 200, { bankB: 404 }),
    check: (body) => expect(body.report).toMatchObject({ scheme: 'sha256-raw-v1' }),
  },
  {
    endpoint: 'GET /v1/review-tasks',
    method: 'get',
    // One page holds every task the fixtures put in review.
    path: () => '/v1/review-tasks?limit=100',
    expected: gate(REVIEWERS, 200),
    check: (body, caller) => {
      if (caller === 'bankBReviewer') {
        // Another bank's reviewer of the same jurisdiction sees none of bank-a's tasks.
        expect(body.queues).toEqual(['HK-standard']);
        expect((body.items as { tenant: string }[]).every((item) => item.tenant === 'bank-b')).toBe(true);
        return;
      }
      const jurisdiction = caller === 'cnReviewer' ? 'CN' : 'HK';
      const queues = caller === 'carol' ? ['HK-standard', 'HK-senior'] : [`${jurisdiction}-standard`];
      expect(body.queues).toEqual(queues);
      expect(body.nextCursor).toBeUndefined();
      const items = body.items as { applicationId: string; queue: string }[];
      expect(body.total).toBeGreaterThanOrEqual(items.length);
      expect(items.every((item) => queues.includes(item.queue))).toBe(true);
      const ids = items.map((item) => item.applicationId);
      expect(ids).toContain(jurisdiction === 'HK' ? shared.inReview : shared.inReviewCN);
      expect(ids).not.toContain(jurisdiction === 'HK' ? shared.inReviewCN : shared.inReview);
    },
  },
  {
    endpoint: 'GET /v1/review-tasks/:tenant/:id',
    method: 'get',
    target: 'inReview',
    path: task,
    expected: gate(REVIEWERS, 200, { cnReviewer: 404, bankBReviewer: 404 }),
    check: (body, _caller, id) => expect(body).toMatchObject({ applicationId: id, review: { queue: 'HK-standard' } }),
  },
  {
    endpoint: 'GET /v1/review-tasks/:tenant/:id (a CN task)',
    method: 'get',
    target: 'inReviewCN',
    path: task,
    expected: gate(REVIEWERS, 200, { alice: 404, carol: 404, bankBReviewer: 404 }),
    check: (body) => expect(body.review).toMatchObject({ queue: 'CN-standard' }),
  },
  {
    endpoint: 'POST /v1/review-tasks/:tenant/:id/claim',
    method: 'post',
    target: 'inReview',
    mutates: true,
    path: (id) => `${task(id)}/claim`,
    expected: gate(REVIEWERS, 200, { cnReviewer: 404, bankBReviewer: 404 }),
    check: (body, caller) => expect(body.review.claimedBy).toBe(claimsOf(caller)?.sub),
  },
  {
    endpoint: 'POST /v1/review-tasks/:tenant/:id/release',
    method: 'post',
    target: 'claimed',
    mutates: true,
    path: (id) => `${task(id)}/release`,
    expected: gate(REVIEWERS, 200, { cnReviewer: 404, bankBReviewer: 404 }),
    check: (body) => expect(body.review.claimedBy).toBeUndefined(),
  },
  {
    endpoint: 'POST /v1/review-tasks/:tenant/:id/decision',
    method: 'post',
    target: 'claimed',
    mutates: true,
    path: (id) => `${task(id)}/decision`,
    body: () => DECLINE,
    expected: gate(REVIEWERS, 200, { cnReviewer: 404, bankBReviewer: 404 }),
    check: (body, caller) =>
      expect(body.review.decisions).toEqual([expect.objectContaining({ reviewer: claimsOf(caller)?.sub })]),
  },
  {
    endpoint: 'GET /v1/ops/applications/:tenant/:id/audit',
    method: 'get',
    target: 'inReview',
    path: (id) => `/v1/ops/applications/bank-a/${id}/audit`,
    expected: gate(OPS, 200),
    check: (body) => expect(body.entries.length).toBeGreaterThan(0),
  },
  {
    endpoint: 'GET /v1/supervision/outcomes',
    method: 'get',
    path: () => `/v1/supervision/outcomes?period=day&from=${dayBeforeYesterday()}&to=${dayBeforeYesterday()}`,
    expected: gate(SUPERVISORS, 200),
    check: (body) => expect(body.cells).toEqual(expect.any(Array)),
  },
  {
    endpoint: 'GET /v1/supervision/decision-times',
    method: 'get',
    path: () => `/v1/supervision/decision-times?period=day&from=${dayBeforeYesterday()}&to=${dayBeforeYesterday()}`,
    expected: gate(SUPERVISORS, 200),
    check: (body) => expect(body.cells).toEqual(expect.any(Array)),
  },
  {
    endpoint: 'POST /codec/decode',
    method: 'post',
    path: () => '/codec/decode',
    body: () => encrypted,
    expected: gate(OPS, 200),
    check: (body) => expect(body).toEqual({ payloads: [PLAIN] }),
  },
  {
    endpoint: 'POST /v1/ledger-probes',
    method: 'post',
    path: () => '/v1/ledger-probes',
    expected: gate(OPS, 201),
    check: (body) => expect(body.ledger).toBeDefined(),
  },
  {
    endpoint: 'GET /health',
    method: 'get',
    path: () => '/health',
    expected: open(),
    // Up or down per dependency, and nothing more: no address, RPC URL (it may hold a key) or error.
    check: (body) => expect(body).toEqual({ status: 'up', checks: { temporal: 'up', ledger: 'up' } }),
  },
  {
    endpoint: 'GET /health/details',
    method: 'get',
    path: () => '/health/details',
    expected: gate(OPS, 200),
    check: (body) => expect(body.checks.ledger).toMatchObject({ status: 'up', chainId: '31337' }),
  },
  { endpoint: 'GET /health/live', method: 'get', path: () => '/health/live', expected: open() },
  { endpoint: 'GET /metrics', method: 'get', path: () => '/metrics', expected: open() },
  {
    endpoint: 'GET /openapi.json',
    method: 'get',
    path: () => '/openapi.json',
    expected: open(),
    check: (body) => expect(body.openapi).toBeDefined(),
  },
];

const admitted = (status: number): boolean => status < 300;
/** The application a cell names: its own for an allowed mutation, else the shared one. */
function targetOf(row: Row, caller: Caller): string {
  const index = ROWS.indexOf(row);
  if (row.target === 'new') return `N-${index}-${caller}`;
  if (row.mutates && admitted(row.expected[caller])) return `M-${index}-${caller}`;
  return row.target ? shared[row.target] : '';
}

describe('authorisation: every endpoint × every caller, over HTTP', () => {
  let stack: ApiStack;
  let auth: Record<Party | 'badToken' | 'expired', string>;
  const api = () => request(stack.url);

  function send(caller: Caller | Party, method: 'get' | 'post', path: string, body?: object): request.Test {
    const call = method === 'get' ? api().get(path) : api().post(path);
    if (caller !== 'none') void call.set('Authorization', auth[caller]);
    return body === undefined ? call : call.send(body);
  }

  const application = async (id: string, owner: Owner = 'bankA'): Promise<Json> =>
    (await send(owner, 'get', `/v1/applications/${id}`).expect(200)).body;

  /** What a refused request must not change. */
  const snapshot = async (id: string): Promise<{ stage: string; timeline: number }> => {
    const { stage, timeline } = await application(id);
    return { stage, timeline: timeline.length };
  };

  /** Brings an application of `owner` to the fixture's state, through the API; at rest when it returns. */
  async function prepare(id: string, fixture: Fixture, claimant: Party = 'alice', owner: Owner = 'bankA') {
    const { stage, jurisdiction } = FIXTURES[fixture];
    await send(owner, 'post', '/v1/applications', createBody(id, jurisdiction)).expect(201);
    await advance(id, stage, claimant, owner);
  }

  /** Takes an application awaiting consent on to `stage`. */
  async function advance(id: string, stage: string, claimant: Party = 'alice', owner: Owner = 'bankA') {
    if (stage === 'AWAITING_CONSENT') return;
    await send(owner, 'post', `/v1/applications/${id}/consent`, CONSENT).expect(200);
    if (stage === 'AWAITING_REPORT') {
      // The consent evidence is anchored in the background and adds to the timeline: wait for it.
      await eventually(
        () => application(id, owner),
        (a) => a.consent?.evidenceHash !== undefined,
        `${id} anchored`,
      );
      return;
    }
    await send(owner, 'post', `/v1/applications/${id}/credit-report`, reportBody()).expect(200);
    await eventually(
      () => application(id, owner),
      (a) => a.stage === 'IN_REVIEW',
      `${id} in review`,
    );
    if (stage === 'CLAIMED') {
      await send(claimant, 'post', `/v1/review-tasks/${PARTIES[owner].tenant}/${id}/claim`).expect(200);
    }
  }

  const inbox = async (caller: Party): Promise<string[]> =>
    (
      (await send(caller, 'get', '/v1/review-tasks?limit=100').expect(200)).body.items as { applicationId: string }[]
    ).map((item) => item.applicationId);
  const listed = async (caller: Party): Promise<string[]> =>
    ((await send(caller, 'get', '/v1/applications').expect(200)).body.items as { applicationId: string }[]).map(
      (item) => item.applicationId,
    );

  /** Asserts no application named `applicationId` exists under any tenant the tests use. */
  async function nothingStarted(applicationId: string): Promise<void> {
    for (const tenant of ['bank-a', 'bank-b']) {
      const handle = stack.workflows.workflow.getHandle(applicationWorkflowId(tenant, applicationId));
      await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  }

  beforeAll(async () => {
    stack = await startApiStack();
    const tokens = await partyTokens();
    auth = {
      ...tokens,
      // Good claims, wrong key: a forged token.
      badToken: `Bearer ${await signDevToken('not-the-api-secret-not-the-api-secret-0000', PARTIES.bankA)}`,
      expired: `Bearer ${await signDevToken(TEST_JWT_SECRET, PARTIES.bankA, { expiresIn: '-1h' })}`,
    };
    const [sample] = await new AesGcmCodec(stack.config.codec).encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(PLAIN.data, 'base64') },
    ]);
    encrypted = payloadsToJson([sample!]);

    const ownApplications = ROWS.flatMap((row) =>
      row.mutates && row.target !== 'new' && row.target
        ? CALLERS.filter((caller) => admitted(row.expected[caller])).map((caller) => ({ row, caller }))
        : [],
    );
    await Promise.all([
      ...(Object.keys(FIXTURES) as Fixture[]).map((fixture) => prepare(shared[fixture], fixture)),
      prepare('S-bank-b', 'inReview', 'alice', 'bankB'),
      ...ownApplications.map(({ row, caller }) =>
        prepare(targetOf(row, caller), row.target as Fixture, caller as Party),
      ),
      prepare('IDENTITY-DECISION', 'claimed'),
      prepare('IDENTITY-CLAIM', 'inReview'),
    ]);
    // Lists and inboxes read Temporal's visibility, which lags: wait until it shows the fixtures.
    await eventually(
      () => listed('bankA'),
      (ids) => ids.includes(shared.inReview),
      'bank-a list',
    );
    await eventually(
      () => listed('bankB'),
      (ids) => ids.includes('S-bank-b'),
      'bank-b list',
    );
    await eventually(
      () => inbox('alice'),
      (ids) => ids.includes(shared.inReview),
      "alice's inbox",
    );
    await eventually(
      () => inbox('cnReviewer'),
      (ids) => ids.includes(shared.inReviewCN),
      'the CN inbox',
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe.each(ROWS)('$endpoint', (row) => {
    const cells = CALLERS.map((caller) => [caller, row.expected[caller]] as const);

    it.each(cells)('%s → %i', async (caller, status) => {
      const id = targetOf(row, caller);
      const watched = row.mutates && !admitted(status) && row.target !== 'new' ? id : undefined;
      const before = watched ? await snapshot(watched) : undefined;

      const response = await send(caller, row.method, row.path(id), row.body?.(id));

      expect(response.status).toBe(status);
      if (admitted(status)) {
        row.check?.(response.body, caller, id);
        return;
      }
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^urn:lendbridge:problem:/) });
      if (status === 401) {
        const challenge =
          caller === 'none' ? 'Bearer realm="lendbridge"' : 'Bearer realm="lendbridge", error="invalid_token"';
        expect(response.headers['www-authenticate']).toBe(challenge);
      }
      if (status === 403) expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
      if (status === 404) {
        // Not yours reads exactly like "does not exist": nothing of the application leaks.
        expect(response.body.detail).toBe('no application with this id for you');
        expect(JSON.stringify(response.body)).not.toMatch(/LOS-|los-bank-a|IN_REVIEW|timeline/);
      }
      if (watched) expect(await snapshot(watched)).toEqual(before);
      if (row.target === 'new') await nothingStarted(id);
    });
  });

  /** A problem+json error with the given status, as every refusal must be. */
  function expectProblem(response: request.Response, status: number): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status });
  }

  describe('identity comes from the token, never from the body', () => {
    it.each([
      ['tenant', 'bank-b'],
      ['submittedBy', 'someone'],
    ])('a create body naming %s is refused with 400 and starts nothing', async (field, value) => {
      const id = `IDENTITY-${field}`;
      const refused = await send('bankA', 'post', '/v1/applications', { ...createBody(id), [field]: value });
      expectProblem(refused, 400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field })]);
      await nothingStarted(id);
      // Without it the same request is the token's; 201 (not 200) also proves the first started nothing.
      const created = await send('bankA', 'post', '/v1/applications', createBody(id)).expect(201);
      expect(created.body).toMatchObject({ tenant: 'bank-a', submittedBy: 'los-bank-a' });
    });

    it('a decision body naming an actor or reviewer is refused with 400 and changes nothing', async () => {
      const id = 'IDENTITY-DECISION'; // claimed by alice
      const carol = { subject: 'carol', roles: ['senior-reviewer'], jurisdictions: ['HK'] };
      for (const extra of [{ actor: carol }, { reviewer: 'carol' }]) {
        const before = await snapshot(id);
        const refused = await send('alice', 'post', `${task(id)}/decision`, { ...DECLINE, ...extra });
        expectProblem(refused, 400);
        expect(refused.body.errors).toEqual([expect.objectContaining({ field: Object.keys(extra)[0] })]);
        expect(await snapshot(id)).toEqual(before);
      }
      const decided = await send('alice', 'post', `${task(id)}/decision`, DECLINE).expect(200);
      expect(decided.body.review.decisions).toEqual([expect.objectContaining({ reviewer: 'alice' })]);
    });

    it('refuses a claim whose body names someone else, and leaves the task unclaimed', async () => {
      const claimed = await send('alice', 'post', `${task('IDENTITY-CLAIM')}/claim`, {
        actor: { subject: 'carol', roles: ['senior-reviewer'], jurisdictions: ['HK'] },
      });
      // Claim and release take no body: one sent is refused, not silently ignored.
      expectProblem(claimed, 400);
      const seen = await send('carol', 'get', task('IDENTITY-CLAIM')).expect(200);
      expect(seen.body.review.claimedBy).toBeUndefined();
    });
  });

  describe('object level: ids are per tenant and per jurisdiction', () => {
    const withoutWhere = ({ instance: _instance, requestId: _requestId, ...rest }: Record<string, unknown>) => rest;

    it.each([
      ['bankB', "another tenant's application", `/v1/applications/${shared.inReview}`, '/v1/applications/NEVER-USED'],
      ['cnReviewer', "another jurisdiction's task", task(shared.inReview), task('NEVER-USED')],
      ['alice', 'an application not yet in review', task(shared.consentPending), task('NEVER-USED')],
    ] as const)(
      '%s: 404 for %s reads exactly like 404 for an id nobody used',
      async (caller, _what, theirs, nobodys) => {
        const [existing, missing] = [await send(caller, 'get', theirs), await send(caller, 'get', nobodys)];
        expectProblem(existing, 404);
        expectProblem(missing, 404);
        expect(withoutWhere(existing.body)).toEqual(withoutWhere(missing.body));
      },
    );

    it('two tenants may use the same application id: each reads and changes only its own', async () => {
      await send('bankA', 'post', '/v1/applications', createBody('TWIN')).expect(201);
      await send('bankB', 'post', '/v1/applications', createBody('TWIN')).expect(201);
      const before = await snapshot('TWIN');
      const withdrawn = await send('bankB', 'post', '/v1/applications/TWIN/withdrawal', {
        reasonCode: 'duplicate-application',
      }).expect(200);
      expect(withdrawn.body).toMatchObject({ tenant: 'bank-b', workflowId: 'loan/bank-b/TWIN' });
      expect(await snapshot('TWIN')).toEqual(before);
      expect(await application('TWIN')).toMatchObject({ tenant: 'bank-a', submittedBy: 'los-bank-a' });
    });

    it('ops get 404 for the audit of an application that does not exist', async () => {
      expectProblem(await send('ops', 'get', '/v1/ops/applications/bank-a/NEVER-USED/audit'), 404);
    });
  });

  describe('function level inside the workflow: an escalated task is for senior reviewers', () => {
    it('a standard reviewer may read it but not claim it; a senior reviewer may claim it', async () => {
      // Escalation waits one review SLA (48 hours by default): this one application is started with a
      // short SLA, straight through Temporal, since the API never lets a loan system choose a policy.
      const id = 'ESCALATED';
      const input: ApplicationInput = {
        tenant: 'bank-a',
        submittedBy: PARTIES.bankA.sub,
        ...(createBody(id) as Omit<ApplicationInput, 'tenant' | 'submittedBy' | 'policy'>),
        policy: { ...DEFAULT_POLICY, reviewSla: '6 seconds' },
      };
      await stack.workflows.workflow.start(LOAN_APPLICATION_WORKFLOW, {
        taskQueue: stack.config.temporal.taskQueue,
        workflowId: applicationWorkflowId('bank-a', id),
        args: [input],
      });
      await advance(id, 'IN_REVIEW');
      // After one more SLA it expires: the checks below have six seconds.
      await eventually(
        async () => (await send('carol', 'get', task(id)).expect(200)).body,
        (view) => view.review.escalated === true,
        'the escalation',
      );

      const seen = await send('alice', 'get', task(id)).expect(200);
      expect(seen.body.review).toMatchObject({ queue: 'HK-senior', escalated: true });
      const before = await snapshot(id);
      const refused = await send('alice', 'post', `${task(id)}/claim`);
      expectProblem(refused, 403);
      expect(refused.body.detail).toBe('queue HK-senior needs the role senior-reviewer');
      expect(await snapshot(id)).toEqual(before);
      const claimed = await send('carol', 'post', `${task(id)}/claim`).expect(200);
      expect(claimed.body.review).toMatchObject({ queue: 'HK-senior', claimedBy: 'carol' });
    });
  });

  describe('credentials that are not a valid bearer token', () => {
    const unsigned = (): string => {
      const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const claims = { ...PARTIES.bankA, iss: 'lendbridge-dev', aud: 'lendbridge', exp };
      return `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
    };
    const cases: [string, () => Promise<string>, string][] = [
      ['Basic credentials', () => Promise.resolve('Basic bG9zLWJhbmstYTpzZWNyZXQ='), 'invalid_request'],
      ['a token that is not a JWT', () => Promise.resolve('Bearer not-a-jwt'), 'invalid_token'],
      ['an unsigned token (alg none)', () => Promise.resolve(unsigned()), 'invalid_token'],
      [
        'a token for another audience',
        async () => `Bearer ${await signDevToken(TEST_JWT_SECRET, PARTIES.bankA, { audience: 'another-service' })}`,
        'invalid_token',
      ],
      [
        'a loan-system token without a tenant',
        async () => `Bearer ${await signDevToken(TEST_JWT_SECRET, { sub: 'los-x', roles: ['loan-system'] })}`,
        'invalid_token',
      ],
    ];

    it.each(cases)('%s: 401', async (_what, header, error) => {
      const response = await api()
        .get('/v1/applications')
        .set('Authorization', await header());
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe(`Bearer realm="lendbridge", error="${error}"`);
    });
  });
});
