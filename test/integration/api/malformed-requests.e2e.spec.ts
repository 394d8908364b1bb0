/**
 * Over a thousand generated malformed requests against the real stack (API, worker, Temporal dev
 * server, anvil), each sent with the right token for its endpoint so that the only thing wrong is
 * the request itself. Every answer must be a 4xx problem+json whose status says what is wrong (and,
 * for a field that breaks the DTO, which field); and when it is over, no workflow was started and
 * the applications the requests aimed at are exactly as they were.
 *
 * Generators: test/support/malformed.ts. A failure prints fast-check's seed and a replayable request.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import fc from 'fast-check';
import request from 'supertest';
import { CURSOR_SHAPE } from '#api/reviews/inbox-cursor';
import { hashReportBytes } from '#hashing';
import { DEV_KEYS } from '#stack/dev-ledger';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { testWriter } from '#test-support/ledger';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';
import {
  CREATE,
  consentRules,
  decisionRules,
  describeWire,
  DECISION_FIELDS,
  enc,
  fieldDefects,
  frameDefects,
  malformedListQuery,
  malformedObject,
  malformedUploads,
  OUTCOMES,
  pathDefects,
  readPathDefects,
  reportRules,
  RULES,
  setOwn,
  validObject,
  WireClient,
  wire,
  WITHDRAWAL,
  type JsonEndpoint,
  type WireRequest,
} from '#test-support/malformed';

const TENANT = 'bank-a';
/** Awaiting its credit report: the target of the loan system's endpoints. */
const TARGET = 'FUZZ-TARGET';
/** In review, claimed by alice: the target of the reviewer's decision. */
const REVIEW = 'FUZZ-REVIEW';
/** Withdrawn: where a request that slipped through can only be refused, for the regressions below. */
const CLOSED = 'FUZZ-CLOSED';

const BODY_LIMIT = 64 * 1024;
/** Every malformed request is refused before any workflow is asked: this is plenty. */
const ANSWER_WITHIN_MS = 5_000;
/** Per property, shrinking included; a property still running then fails rather than overrun the file. */
const PROPERTY_TIME_LIMIT_MS = 75_000;
const PROPERTY_TEST_TIMEOUT_MS = 90_000;

/** numRuns per property: 1,040 requests, before any shrinking. */
const RUNS = {
  create: 200,
  consent: 140,
  reportJson: 140,
  upload: 150,
  withdrawal: 110,
  decision: 150,
  list: 150,
  inbox: 80,
};

const REPORT = Buffer.from('%PDF-1.7 the credit report of the fuzz test, score 701');
const FIELDS = validObject(DECISION_FIELDS);
const CONSENT = { ...southboundConsent, issuer: HK_ISSUER };

const createBody = (applicationId: string): Record<string, unknown> => ({
  ...validObject(CREATE),
  applicationId,
  loanSystemReference: `LOS-${applicationId}`,
});

const ENDPOINTS = {
  create: {
    name: 'create',
    caller: 'bankA',
    path: () => '/v1/applications',
    params: {},
    valid: createBody('FZ-valid-body'),
    nestedKey: 'requestedLimit',
    emptyBody: { statuses: [400], fieldErrors: true },
    multipartAllowed: false,
  },
  consent: {
    name: 'consent',
    caller: 'bankA',
    path: (p) => `/v1/applications/${enc(p.applicationId!)}/consent`,
    params: { applicationId: TARGET },
    valid: CONSENT,
    emptyBody: { statuses: [400], fieldErrors: true },
    multipartAllowed: false,
  },
  reportJson: {
    name: 'credit-report (JSON)',
    caller: 'bankA',
    path: (p) => `/v1/applications/${enc(p.applicationId!)}/credit-report`,
    params: { applicationId: TARGET },
    valid: { reportHash: 'ab'.repeat(32), scheme: 'sha256-raw-v1', decisionFields: FIELDS },
    nestedKey: 'decisionFields',
    emptyBody: { statuses: [400], fieldErrors: true },
    multipartAllowed: true,
  },
  withdrawal: {
    name: 'withdrawal',
    caller: 'bankA',
    path: (p) => `/v1/applications/${enc(p.applicationId!)}/withdrawal`,
    params: { applicationId: TARGET },
    valid: { reasonCode: 'applicant-request' },
    emptyBody: { statuses: [400], fieldErrors: true },
    multipartAllowed: false,
  },
  decision: {
    name: 'decision',
    caller: 'alice',
    path: (p) => `/v1/review-tasks/${enc(p.tenant!)}/${enc(p.applicationId!)}/decision`,
    params: { tenant: TENANT, applicationId: REVIEW },
    valid: { outcome: 'approve', recommendedLimit: { amount: '1000.00', currency: 'HKD' } },
    nestedKey: 'recommendedLimit',
    emptyBody: { statuses: [400], fieldErrors: true },
    multipartAllowed: false,
  },
} satisfies Record<string, JsonEndpoint>;

const PROBLEM_TYPE = /^urn:lendbridge:problem:[a-z-]+$/;

describe('malformed requests, generated: every one a 4xx problem, none starting or changing a workflow', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;
  let client: WireClient;
  let baselineWorkflows: number;
  const before: Record<string, unknown> = {};
  const sent = new Map<string, number>();
  /** Well-formed application ids that create requests named: none of them may exist afterwards. */
  const namedIds = new Set<string>();
  const generated = (): number =>
    [...sent.entries()].filter(([category]) => !category.startsWith('regression/')).reduce((n, [, c]) => n + c, 0);

  const api = () => request(stack.url);
  const view = async (id: string): Promise<Record<string, unknown>> =>
    (await api().get(`/v1/applications/${id}`).set('Authorization', tokens.bankA).expect(200)).body;
  const reviewerView = async (): Promise<unknown> => {
    const task = await api().get(`/v1/review-tasks/${TENANT}/${REVIEW}`).set('Authorization', tokens.alice).expect(200);
    const { stage, timeline, review } = task.body;
    return { stage, timeline, claimedBy: review?.claimedBy, decisions: review?.decisions };
  };

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    let value: T | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      value = await read();
      if (done(value)) return value;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
  }

  /** The view once it is `ready` and nothing moves any more (activities finish after the call that started them). */
  async function settled(id: string, ready: (events: string[]) => boolean): Promise<Record<string, unknown>> {
    const events = (state: Record<string, unknown>) => (state.timeline as { event: string }[]).map((e) => e.event);
    let last = JSON.stringify(
      await eventually(
        () => view(id),
        (state) => ready(events(state)),
        `${id} to settle`,
      ),
    );
    for (let attempt = 0; attempt < 50; attempt++) {
      await sleep(300);
      const next = await view(id);
      if (JSON.stringify(next) === last) return next;
      last = JSON.stringify(next);
    }
    throw new Error(`${id} did not settle: ${last}`);
  }

  async function countWorkflows(): Promise<number> {
    let count = 0;
    for await (const _ of stack.workflows.workflow.list({ query: "WorkflowType = 'loanApplicationWorkflow'" })) count++;
    return count;
  }

  /** Sends one request and throws, describing request and answer, unless the answer is right for it. */
  async function check(req: WireRequest): Promise<void> {
    sent.set(req.category, (sent.get(req.category) ?? 0) + 1);
    noteNamedId(req);
    const res = await client.send(req, tokens[req.caller]).catch((error: unknown) => {
      throw new Error(`${String(error)}\n  request: ${describeWire(req)}`);
    });
    const wrong =
      res.ms > ANSWER_WITHIN_MS
        ? `answered only after ${res.ms} ms`
        : judge(req, res.status, String(res.headers['content-type'] ?? ''), res.text);
    if (wrong) {
      throw new Error(
        `${wrong}\n  request: ${describeWire(req)}\n  answer (${res.ms} ms): ${res.status} ${String(res.headers['content-type'])} ${res.text.slice(0, 600)}`,
      );
    }
  }

  function noteNamedId(req: WireRequest): void {
    if (req.method !== 'POST' || req.path !== '/v1/applications' || !req.body) return;
    try {
      const body = JSON.parse(req.body.toString('utf8')) as { applicationId?: unknown };
      if (typeof body.applicationId === 'string' && RULES.id.test(body.applicationId)) namedIds.add(body.applicationId);
    } catch {
      // Not JSON: it names nothing.
    }
  }

  async function fuzz(arbitrary: fc.Arbitrary<WireRequest>, numRuns: number): Promise<void> {
    const started = Date.now();
    const sentBefore = generated();
    await fc.assert(
      fc.asyncProperty(arbitrary, async (req) => {
        await check(req);
      }),
      { numRuns, plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS, { failOnInterrupt: true })] },
    );
    console.log(`${generated() - sentBefore} requests in ${Date.now() - started} ms`);
  }

  beforeAll(async () => {
    stack = await startApiStack();
    tokens = await partyTokens();
    expect(stack.config.api.bodyLimitBytes).toBe(BODY_LIMIT);
    client = new WireClient(stack.url, ANSWER_WITHIN_MS);
    const bankA = tokens.bankA;

    // The report REVIEW's applicant brings, anchored by the HK agency: verified, so it goes to review.
    const { hash } = hashReportBytes(REPORT);
    await testWriter(stack.ledgerClient, DEV_KEYS.issuerHK).anchorReport(
      'personal-credit-report',
      hash,
      new Date(Date.now() + 30 * 86_400_000),
    );
    for (const id of [TARGET, REVIEW, CLOSED]) {
      await api().post('/v1/applications').set('Authorization', bankA).send(createBody(id)).expect(201);
    }
    for (const id of [TARGET, REVIEW]) {
      await api().post(`/v1/applications/${id}/consent`).set('Authorization', bankA).send(CONSENT).expect(200);
    }
    await api()
      .post(`/v1/applications/${REVIEW}/credit-report`)
      .set('Authorization', bankA)
      .send({ reportHash: hash, scheme: 'sha256-raw-v1', decisionFields: FIELDS })
      .expect(200);
    await api()
      .post(`/v1/applications/${CLOSED}/withdrawal`)
      .set('Authorization', bankA)
      .send({ reasonCode: 'applicant-request' })
      .expect(200);
    await eventually(
      async () => (await view(REVIEW)).stage,
      (stage) => stage === 'IN_REVIEW',
      'the review',
    );
    await api().post(`/v1/review-tasks/${TENANT}/${REVIEW}/claim`).set('Authorization', tokens.alice).expect(200);

    before[TARGET] = await settled(TARGET, (events) => events.includes('consent evidence anchored'));
    before[REVIEW] = await settled(REVIEW, (events) => events.includes('review claimed'));
    before[CLOSED] = await settled(CLOSED, (events) => events.includes('entered WITHDRAWN'));
    expect(before[TARGET]).toMatchObject({ stage: 'AWAITING_REPORT' });
    expect(before[REVIEW]).toMatchObject({ stage: 'IN_REVIEW' });
    expect(before[CLOSED]).toMatchObject({ stage: 'WITHDRAWN' });
    before.reviewer = await reviewerView();
    expect(before.reviewer).toMatchObject({ claimedBy: 'alice' });
    baselineWorkflows = await eventually(
      countWorkflows,
      (count) => count === 3,
      'the three applications in visibility',
    );
  }, 180_000);

  afterAll(async () => {
    client?.close();
    const total = [...sent.values()].reduce((a, b) => a + b, 0);
    const lines = [...sent.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, n]) => `${String(n).padStart(5)}  ${c}`);
    console.log(
      `${total} malformed requests sent (${generated()} generated), by endpoint and kind:\n${lines.join('\n')}`,
    );
    await stack?.stop();
  });

  it(
    'POST /v1/applications',
    async () => {
      const bodies = fc.tuple(malformedObject(CREATE), fc.stringMatching(/^FZ-[A-Za-z0-9]{12}$/)).map(([m, id]) => {
        const value = { ...m.value };
        // A fresh id for every body, so that one that slipped through would start a workflow of its own.
        if (value.applicationId === CREATE.applicationId!.valid) setOwn(value, 'applicationId', id);
        return { value, touched: m.touched };
      });
      await fuzz(
        fc.oneof(
          { weight: 6, arbitrary: fieldDefects(ENDPOINTS.create, bodies, BODY_LIMIT) },
          { weight: 3, arbitrary: frameDefects(ENDPOINTS.create, BODY_LIMIT) },
        ),
        RUNS.create,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    `POST /v1/applications/${TARGET}/consent`,
    async () => {
      const endpoint = ENDPOINTS.consent;
      await fuzz(
        fc.oneof(
          { weight: 6, arbitrary: fieldDefects(endpoint, malformedObject(consentRules(HK_ISSUER)), BODY_LIMIT) },
          { weight: 3, arbitrary: frameDefects(endpoint, BODY_LIMIT) },
          { weight: 1, arbitrary: pathDefects(endpoint) },
        ),
        RUNS.consent,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    `POST /v1/applications/${TARGET}/credit-report as JSON (the hash)`,
    async () => {
      const endpoint = ENDPOINTS.reportJson;
      await fuzz(
        fc.oneof(
          { weight: 6, arbitrary: fieldDefects(endpoint, malformedObject(reportRules(HK_ISSUER)), BODY_LIMIT) },
          { weight: 3, arbitrary: frameDefects(endpoint, BODY_LIMIT) },
          { weight: 1, arbitrary: pathDefects(endpoint) },
        ),
        RUNS.reportJson,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    `POST /v1/applications/${TARGET}/credit-report as multipart/form-data (the file)`,
    async () => {
      const path = ENDPOINTS.reportJson.path(ENDPOINTS.reportJson.params);
      await fuzz(
        malformedUploads(HK_ISSUER).map((upload) =>
          wire({
            category: `credit-report (upload)/${upload.defect}`,
            caller: 'bankA',
            method: 'POST',
            path,
            headers: { 'content-type': upload.contentType },
            body: upload.body,
            expect: upload.expect,
          }),
        ),
        RUNS.upload,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    `POST /v1/applications/${TARGET}/withdrawal`,
    async () => {
      const endpoint = ENDPOINTS.withdrawal;
      await fuzz(
        fc.oneof(
          { weight: 6, arbitrary: fieldDefects(endpoint, malformedObject(WITHDRAWAL), BODY_LIMIT) },
          { weight: 3, arbitrary: frameDefects(endpoint, BODY_LIMIT) },
          { weight: 1, arbitrary: pathDefects(endpoint) },
        ),
        RUNS.withdrawal,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    `POST /v1/review-tasks/${TENANT}/${REVIEW}/decision (claimed by the reviewer who sends it)`,
    async () => {
      const endpoint = ENDPOINTS.decision;
      const bodies = fc.constantFrom(...OUTCOMES).chain((outcome) => malformedObject(decisionRules(outcome)));
      await fuzz(
        fc.oneof(
          { weight: 6, arbitrary: fieldDefects(endpoint, bodies, BODY_LIMIT) },
          { weight: 3, arbitrary: frameDefects(endpoint, BODY_LIMIT) },
          { weight: 1, arbitrary: pathDefects(endpoint) },
        ),
        RUNS.decision,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'GET /v1/applications?… and reads by a malformed id',
    async () => {
      await fuzz(
        fc.oneof(
          { weight: 4, arbitrary: malformedListQuery() },
          { weight: 1, arbitrary: readPathDefects(TENANT, REVIEW) },
        ),
        RUNS.list,
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'GET /v1/review-tasks?… (the inbox: its page size and cursor)',
    async () => {
      await fuzz(malformedInboxQuery(), RUNS.inbox);
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  // The regressions come before the check below, so that it covers them too.
  it.each(regressionCases())(
    'regression: %s',
    async (_name, req) => {
      await check(req);
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('regression: a URL longer than the server reads is refused as a problem too', async () => {
    await check(
      wire({
        category: 'regression/URL too long',
        caller: 'bankA',
        method: 'GET',
        path: `/v1/applications?stage=${'A'.repeat(20_000)}`,
        headers: {},
        expect: { statuses: [400, 414, 431], fieldErrors: false },
      }),
    );
  });

  it('afterwards: no workflow was started, and the applications are as they were', async () => {
    // Visibility is eventually consistent: time for a workflow started at the very end to show.
    await sleep(2_000);
    expect(await countWorkflows()).toBe(baselineWorkflows);
    // The same by id, which does not depend on visibility.
    const existing: string[] = [];
    for (const id of namedIds) {
      if ([TARGET, REVIEW, CLOSED].includes(id)) continue;
      try {
        await stack.workflows.workflow.getHandle(`loan/${TENANT}/${id}`).describe();
        existing.push(id);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    expect(existing).toEqual([]);
    for (const id of [TARGET, REVIEW, CLOSED]) expect(await view(id)).toEqual(before[id]);
    expect(await reviewerView()).toEqual(before.reviewer);
    // Each property stops at its first failure, so this holds once all of them pass.
    expect(generated()).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});

/**
 * What the generators found, each as its smallest request. They aim at applications where a
 * request that slips through is refused by the workflow (a closed one, a task claimed by someone
 * else) or is taken as a retry under a taken id, so they change nothing while they fail.
 */
function regressionCases(): [string, WireRequest][] {
  const json = (
    caller: WireRequest['caller'],
    path: string,
    body: unknown,
    fields: string[],
    label: string,
  ): WireRequest =>
    wire({
      category: `regression/${label}`,
      caller,
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      expect: { statuses: [400], fieldErrors: true, fields },
    });
  const upload = (extra: [string, string][], fields: string[], label: string): WireRequest => {
    const boundary = 'regression-boundary';
    const base: [string, string][] = [
      ['scheme', 'sha256-raw-v1'],
      ['decisionFields', JSON.stringify(FIELDS)],
    ];
    const named = [...base.filter(([name]) => !extra.some(([other]) => other === name)), ...extra];
    const parts = named.map(
      ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="report"; filename="r.pdf"\r\n\r\n%PDF-1\r\n`;
    return wire({
      category: `regression/${label}`,
      caller: 'bankA',
      method: 'POST',
      path: `/v1/applications/${CLOSED}/credit-report`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Buffer.from(`${parts.join('')}${file}--${boundary}--\r\n`),
      expect: { statuses: [400], fieldErrors: true, fields },
    });
  };
  const list = (query: string, label: string, statuses: number[] = [400], fields?: string[]): WireRequest =>
    wire({
      category: `regression/${label}`,
      caller: 'bankA',
      method: 'GET',
      path: `/v1/applications?${query}`,
      headers: {},
      expect: { statuses, fieldErrors: statuses.length === 1 && statuses[0] === 400, fields },
    });
  const inbox = (query: string, fields: string[], statuses = [400]): WireRequest =>
    wire({
      category: 'regression/inbox query',
      caller: 'alice',
      method: 'GET',
      path: `/v1/review-tasks?${query}`,
      headers: {},
      expect: { statuses, fieldErrors: true, fields },
    });
  const report = { reportHash: 'ab'.repeat(32), scheme: 'sha256-raw-v1', decisionFields: FIELDS };
  const decision = `/v1/review-tasks/${TENANT}/${REVIEW}/decision`;
  const money = { amount: '1000.00', currency: 'HKD' };

  const cases: [string, WireRequest][] = [
    [
      'an array where the requested limit belongs (empty)',
      json('bankA', '/v1/applications', { ...createBody(TARGET), requestedLimit: [] }, ['requestedLimit'], 'array'),
    ],
    [
      'an array where the requested limit belongs (holding a valid one)',
      json(
        'bankA',
        '/v1/applications',
        { ...createBody(TARGET), requestedLimit: [money] },
        ['requestedLimit'],
        'array',
      ),
    ],
    [
      'an unknown "valueOf" key in a create body',
      json('bankA', '/v1/applications', { ...createBody(TARGET), valueOf: 'x' }, ['valueOf'], 'member key'),
    ],
    [
      'an unknown "toString" key inside the requested limit',
      json(
        'bankA',
        '/v1/applications',
        { ...createBody(TARGET), requestedLimit: { ...money, toString: 1 } },
        ['requestedLimit'],
        'member key',
      ),
    ],
    [
      'an array where the decision fields belong (JSON report)',
      json(
        'bankA',
        `/v1/applications/${CLOSED}/credit-report`,
        { ...report, decisionFields: [] },
        ['decisionFields'],
        'array',
      ),
    ],
    [
      'an array where the batch proof belongs (JSON report)',
      json('bankA', `/v1/applications/${CLOSED}/credit-report`, { ...report, batch: [] }, ['batch'], 'array'),
    ],
    [
      'an unknown "isPrototypeOf" key in a JSON report',
      json(
        'bankA',
        `/v1/applications/${CLOSED}/credit-report`,
        { ...report, isPrototypeOf: 1 },
        ['isPrototypeOf'],
        'member key',
      ),
    ],
    [
      'an array where the decision fields belong (upload)',
      upload([['decisionFields', '[]']], ['decisionFields'], 'array'),
    ],
    ['an array where the batch proof belongs (upload)', upload([['batch', '[]']], ['batch'], 'array')],
    [
      'an unknown "hasOwnProperty" field in an upload',
      upload([['hasOwnProperty', 'x']], ['hasOwnProperty'], 'member key'),
    ],
    [
      'an unknown "toString" key in a consent',
      json('bankA', `/v1/applications/${CLOSED}/consent`, { ...CONSENT, toString: 'x' }, ['toString'], 'member key'),
    ],
    [
      'an unknown "valueOf" key in a withdrawal',
      json(
        'bankA',
        `/v1/applications/${CLOSED}/withdrawal`,
        '{"reasonCode":"applicant-request","valueOf":1}',
        ['valueOf'],
        'member key',
      ),
    ],
    [
      'an array where the recommended limit belongs, requesting a new report',
      json('bob', decision, { outcome: 'request-new-report', recommendedLimit: [] }, ['recommendedLimit'], 'array'),
    ],
    [
      'an array where the recommended limit belongs, approving',
      json('bob', decision, { outcome: 'approve', recommendedLimit: [] }, ['recommendedLimit'], 'array'),
    ],
    [
      'an unknown "toString" key in a decision',
      json('bob', decision, { outcome: 'request-new-report', toString: 'x' }, ['toString'], 'member key'),
    ],
    ['the query key "constructor"', list('constructor=1', 'member key', [400], ['constructor'])],
    ['the query key "__proto__"', list('__proto__=1', 'member key', [400], ['__proto__'])],
    ['the query key "toString"', list('toString=1', 'member key', [400], ['toString'])],
    // Well-formed by the pattern, but no token the API issued: refused, and at once.
    [
      'a well-formed page token the API never issued (its MAC forged)',
      // Waited for to the end, so that a slow answer is not still running when the stack stops.
      { ...list(`pageToken=zzzz.${'A'.repeat(22)}`, 'page token', [422], ['pageToken']), timeoutMs: 60_000 },
    ],
    [
      'createdFrom on a day February does not have',
      list(`createdFrom=${enc('2026-02-30T00:00:00Z')}`, 'date-time', [400], ['createdFrom']),
    ],
    [
      'a consent valid until a day April does not have',
      json(
        'bankA',
        `/v1/applications/${CLOSED}/consent`,
        { ...CONSENT, validUntil: '2027-04-31T00:00:00Z' },
        ['validUntil'],
        'date-time',
      ),
    ],
    ['an inbox limit of 0', inbox('limit=0', ['limit'])],
    ['an inbox limit above 100', inbox('limit=101', ['limit'])],
    ['an inbox limit in exponent notation', inbox('limit=1e1', ['limit'])],
    ['an inbox limit in hexadecimal', inbox('limit=0x10', ['limit'])],
    ['an inbox limit with a space', inbox('limit=%205', ['limit'])],
    ['an inbox limit given twice', inbox('limit=5&limit=6', ['limit'])],
    ['an empty inbox cursor', inbox('after=', ['after'])],
    ['an inbox cursor of the wrong shape', inbox(`after=${enc('loan/bank-a/X|1')}`, ['after'])],
    // Well-formed, but no cursor the API sealed: refused at once (422: the shape is right), never a
    // position to read from.
    [
      'a well-formed inbox cursor the API never issued',
      inbox(`after=${'A'.repeat(24)}.${'A'.repeat(22)}`, ['after'], [422]),
    ],
    ['an inbox cursor given twice', inbox(`after=${'A'.repeat(24)}.${'A'.repeat(22)}&after=x`, ['after'])],
    ['an inbox page number', inbox('page=2', ['page'])],
    // Date-times the list may serve or refuse, but must not fail on: a leap second (RFC 3339 allows
    // one), and ISO 8601 forms that once passed the validator and then failed the query.
    ...['2026-12-31T23:59:60Z', '2026-W01', '20260101', '2026-01-01T10', '2026-01-01T10:00:00,5Z'].map(
      (date): [string, WireRequest] => [
        `createdFrom=${date}: served or refused, never a server error`,
        list(`createdFrom=${enc(date)}`, 'date-time', [200, 400]),
      ],
    ),
  ];
  return cases;
}

/**
 * The inbox's query, broken: a page size that is no whole number from 1 to 100, a cursor the API
 * did not seal (any string, or one shaped like a cursor with a MAC of random bytes), a key given
 * twice, or a key the inbox does not take; beside them, valid filters or none.
 */
function malformedInboxQuery(): fc.Arbitrary<WireRequest> {
  const validLimit = (value: string): boolean => /^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 100;
  const limit = fc.oneof(
    fc.constantFrom('0', '101', '-1', '1.5', '1e1', '0x10', ' 5', '5 ', '+5', '', 'ten', '1000', '00000001'),
    fc.integer({ min: 101, max: 2 ** 40 }).map(String),
    fc.integer({ min: -(2 ** 40), max: 0 }).map(String),
    fc.string({ maxLength: 12 }).filter((value) => !validLimit(value)),
  );
  const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
  const after = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc
      .tuple(fc.uint8Array({ minLength: 6, maxLength: 80 }), fc.uint8Array({ minLength: 16, maxLength: 16 }))
      .map(([body, mac]) => `${base64url(body)}.${base64url(mac)}`),
  );
  const defect = fc.oneof(
    limit.map((value) => ({ key: 'limit', values: [value] })),
    after.map((value) => ({ key: 'after', values: [value] })),
    fc
      .tuple(fc.constantFrom('limit', 'after'), fc.integer({ min: 1, max: 100 }))
      .map(([key, n]) => ({ key, values: [String(n), String(n)] })),
    fc
      .tuple(fc.constantFrom('page', 'offset', 'cursor', 'pageToken', 'sort', 'constructor', '__proto__'), limit)
      .map(([key, value]) => ({ key, values: [value] })),
  );
  const filters = fc.subarray([
    ['queue', 'HK-standard'],
    ['jurisdiction', 'HK'],
  ]);
  return fc.tuple(defect, filters).map(([{ key, values }, valid]) => {
    const pairs = [...values.map((value) => [key, value]), ...valid];
    // A cursor of the documented shape that the API did not seal is well formed, and refused: 422.
    const wellFormedCursor = key === 'after' && values.length === 1 && CURSOR_SHAPE.test(values[0]!);
    return wire({
      category: 'inbox/query',
      caller: 'alice',
      method: 'GET',
      path: `/v1/review-tasks?${pairs.map(([k, v]) => `${enc(k!)}=${enc(v!)}`).join('&')}`,
      headers: {},
      expect: { statuses: [wellFormedCursor ? 422 : 400], fieldErrors: true, fields: [key] },
    });
  });
}

function judge(req: WireRequest, status: number, contentType: string, text: string): string | undefined {
  if (!req.expect.statuses.includes(status)) {
    const kind = status >= 500 ? 'a server error' : status < 400 ? 'not refused' : 'the wrong refusal';
    return `${kind}: ${status}, expected ${req.expect.statuses.join(' or ')}`;
  }
  if (status < 400) return undefined;
  if (!contentType.startsWith('application/problem+json')) return `content-type "${contentType}", not problem+json`;
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'the body is not JSON';
  }
  if (typeof problem !== 'object' || problem === null || Array.isArray(problem)) return 'the problem is no object';
  if (typeof problem.type !== 'string' || !PROBLEM_TYPE.test(problem.type)) return `type ${String(problem.type)}`;
  if (typeof problem.title !== 'string' || problem.title === '') return 'no title';
  if (problem.status !== status) return `status member ${String(problem.status)} differs from ${status}`;
  const { errors } = problem;
  if (errors === undefined && !req.expect.fieldErrors) return undefined;
  if (!Array.isArray(errors) || errors.length === 0) return 'no `errors` naming the fields at fault';
  for (const entry of errors as { field?: unknown; message?: unknown }[]) {
    if (typeof entry?.field !== 'string' || typeof entry.message !== 'string' || entry.message === '') {
      return `an errors entry that is not {field, message}: ${JSON.stringify(entry)}`;
    }
  }
  // A key that is not a plain name is never echoed: the API names it `(unnamed)`.
  // (A key holding a dot is one key to the API, so only a whole plain name is sure to be named.)
  const plainName = (key: string) => /^[A-Za-z0-9_-]{1,64}$/.test(key);
  const expected = req.expect.fieldErrors ? req.expect.fields : undefined;
  if (expected) {
    const named = (errors as { field: string }[]).map(({ field }) => field.replace(/^(body|query|params)\./, ''));
    const hit = named.some((field) =>
      expected.some(
        (key) =>
          field === key || field.startsWith(`${key}.`) || (!plainName(key) && field.split('.').includes('(unnamed)')),
      ),
    );
    if (!hit) return `errors name ${JSON.stringify(named)}, none of ${JSON.stringify(expected)}`;
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
