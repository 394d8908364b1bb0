/**
 * Issue 15's first slice over HTTP, on a real server: an applicant is a person or a company, stated
 * at creation; GET reads it back, the list filters by it (within the caller's tenant, with the
 * other filters), and a type the API does not know is a 400 that names the field and the allowed
 * values, echoes nothing and starts nothing.
 */
import request from 'supertest';
import { DEFAULT_POLICY, LOAN_APPLICATION_WORKFLOW, type ApplicationInput } from '#domain';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';

const SENTINEL = 'sentinel-5521';
const REFUSED = { field: 'applicantType', message: 'applicantType must be one of person, company' };

describe('the applicant type: person or company, stated at creation', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;
  const api = () => request(stack.url);

  beforeAll(async () => {
    stack = await startApiStack();
    tokens = await partyTokens();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const application = (applicationId: string, applicantType?: unknown): Record<string, unknown> => ({
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    requestedLimit: { amount: '100000.00', currency: 'HKD' },
    applicantReference: `pseudonym-${applicationId}`,
    ...(applicantType !== undefined && { applicantType }),
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });
  const create = (party: Party, body: Record<string, unknown>) =>
    api().post('/v1/applications').set('Authorization', tokens[party]).send(body);
  const listed = async (
    query: string,
    party: Party = 'bankA',
  ): Promise<{ applicationId: string; applicantType?: string }[]> =>
    (await api().get(`/v1/applications?${query}`).set('Authorization', tokens[party]).expect(200)).body.items;
  const ids = (items: { applicationId: string }[]): string[] => items.map((item) => item.applicationId).sort();

  it('creates a company application, reads its type back, and lists by type within the tenant', async () => {
    const created = await create('bankA', application('AT-C1', 'company')).expect(201);
    expect(created.body).toMatchObject({ applicationId: 'AT-C1', applicantType: 'company', stage: 'RECEIVED' });
    await create('bankA', application('AT-P1', 'person')).expect(201);
    // Another tenant's company: never in bank-a's list, whatever the filter.
    await create('bankB', application('AT-C1', 'company')).expect(201);

    const read = await api().get('/v1/applications/AT-C1').set('Authorization', tokens.bankA).expect(200);
    expect(read.body.applicantType).toBe('company');
    expect(JSON.stringify(read.body)).not.toContain('pseudonym-');
    const person = await api().get('/v1/applications/AT-P1').set('Authorization', tokens.bankA).expect(200);
    expect(person.body.applicantType).toBe('person');

    // Visibility is eventually consistent: wait until both of bank-a's are listed.
    await eventually(
      async () => ids(await listed('pageSize=200')),
      (all) => all.includes('AT-C1') && all.includes('AT-P1'),
      'both applications listed',
    );
    const companies = await listed('applicantType=company&pageSize=200');
    expect(ids(companies)).toContain('AT-C1');
    expect(ids(companies)).not.toContain('AT-P1');
    expect(companies.every((item) => item.applicantType === 'company')).toBe(true);
    const people = await listed('applicantType=person&pageSize=200');
    expect(ids(people)).toContain('AT-P1');
    expect(ids(people)).not.toContain('AT-C1');
    expect(people.every((item) => item.applicantType === 'person')).toBe(true);
    // With the other filters: still only companies, still only bank-a's.
    await eventually(
      async () => ids(await listed('applicantType=company&stage=AWAITING_CONSENT')),
      (found) => found.includes('AT-C1') && !found.includes('AT-P1'),
      'the company awaiting consent, alone',
    );
    const bankB = await listed('applicantType=company', 'bankB');
    expect(bankB.map((item) => item.applicationId)).toEqual(['AT-C1']);
    expect((await listed('applicantType=person', 'bankB')).map((item) => item.applicationId)).toEqual([]);
  });

  it('refuses the same id again with another type: a different application', async () => {
    await create('bankA', application('AT-C2', 'company')).expect(201);
    await create('bankA', application('AT-C2', 'company')).expect(200);
    const other = await create('bankA', application('AT-C2', 'person')).expect(409);
    expect(other.body.type).toBe('urn:lendbridge:problem:conflict');
  });

  it.each([
    ['missing', undefined],
    ['capitalised', 'Person'],
    ['unknown', `individual-${SENTINEL}`],
    ['markup', `<img src=x onerror=alert(1)>${SENTINEL}`],
    ['a query fragment', `company' OR Tenant = 'bank-b' OR '${SENTINEL}`],
    ['a number', 1],
    ['a list', ['company']],
  ])(
    'refuses an applicant type that is %s with a 400 naming the field, echoing nothing, starting nothing',
    async (_what, type) => {
      const id = `AT-BAD-${String(_what).replace(/[^a-z]/g, '')}`;
      const refused = await create('bankA', application(id, type)).expect(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.errors).toEqual([REFUSED]);
      expect(JSON.stringify(refused.body)).not.toContain(SENTINEL);
      await api().get(`/v1/applications/${id}`).set('Authorization', tokens.bankA).expect(404);
    },
  );

  it('refuses a list filter that is not an applicant type before it reaches visibility, echoing nothing', async () => {
    for (const value of ['Company', `company' OR Tenant = 'bank-b' OR '${SENTINEL}`, `company) OR (${SENTINEL}`]) {
      const refused = await api()
        .get(`/v1/applications?applicantType=${encodeURIComponent(value)}`)
        .set('Authorization', tokens.bankA)
        .expect(400);
      expect(refused.body.errors).toEqual([REFUSED]);
      expect(JSON.stringify(refused.body)).not.toContain(SENTINEL);
    }
    const twice = await api()
      .get('/v1/applications?applicantType=person&applicantType=company')
      .set('Authorization', tokens.bankA)
      .expect(400);
    expect(twice.body.errors).toEqual([REFUSED]);
  });

  it('fails at once, and shows back nothing of the type, when another client starts it with one the API refuses', async () => {
    // Only someone who can write to Temporal can do this: the API never lets such input through.
    const input = {
      ...application('AT-OUTSIDE', `<b>Person</b>${SENTINEL}`),
      tenant: 'bank-a',
      submittedBy: 'los-bank-a',
      policy: { ...DEFAULT_POLICY },
    } as unknown as ApplicationInput;
    await stack.workflows.workflow.start(LOAN_APPLICATION_WORKFLOW, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: 'loan/bank-a/AT-OUTSIDE',
      args: [input],
    });
    const state = await eventually(
      async () => (await api().get('/v1/applications/AT-OUTSIDE').set('Authorization', tokens.bankA).expect(200)).body,
      (view) => view.stage === 'FAILED',
      'AT-OUTSIDE failed',
    );
    expect(state.ending.reason).toBe('applicantType: must be one of person, company');
    expect(state.applicantType).toBeUndefined();
    expect(JSON.stringify(state)).not.toContain(SENTINEL);
    const all = await eventually(
      () => listed('pageSize=200'),
      (items) => items.some((item) => item.applicationId === 'AT-OUTSIDE'),
      'AT-OUTSIDE listed',
    );
    expect(JSON.stringify(all)).not.toContain(SENTINEL);
    expect(all.find((item) => item.applicationId === 'AT-OUTSIDE')?.applicantType).toBeUndefined();
  });
});
