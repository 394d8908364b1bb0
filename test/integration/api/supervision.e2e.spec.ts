/**
 * The supervisor's view over HTTP on the real stack: applications of two lenders in both directions
 * end (withdrawn, declined by a reviewer), and a supervisor sees them counted per lender, direction
 * and outcome, the small cells suppressed, no application, person or amount named; and cannot read
 * any application.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { signDevToken } from '#api/auth/dev-token';
import { SupervisionClock } from '#api/supervision/ended-applications';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { TEST_JWT_SECRET } from '#test-support/config';
import { eventually } from '#test-support/eventually';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';

const MIN_CELL = 3;
const AMOUNT = '123456.00';
const today = (): string => new Date().toISOString().slice(0, 10);

describe("the supervisor's view of the flows, on the real stack", () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;

  beforeAll(async () => {
    stack = await startApiStack({ SUPERVISION_MIN_CELL_COUNT: String(MIN_CELL) });
    tokens = await partyTokens();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const call = (token: string) => ({
    get: (path: string) => request(stack.url).get(path).set('Authorization', token),
    post: (path: string, body: object) => request(stack.url).post(path).set('Authorization', token).send(body),
  });
  const as = (party: Party) => call(tokens[party]);

  const createBody = (applicationId: string, direction: 'northbound' | 'southbound') => ({
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    requestedLimit: { amount: AMOUNT, currency: 'HKD' },
    applicantReference: `pseudonym-${applicationId}`,
    applicantType: 'person',
    direction,
    reviewJurisdiction: 'HK',
  });

  async function stageReached(owner: Party, applicationId: string, stage: string): Promise<void> {
    await eventually(
      async () => (await as(owner).get(`/v1/applications/${applicationId}`)).body.stage,
      (current) => current === stage,
      `${applicationId} ${stage}`,
    );
  }

  async function withdrawn(owner: 'bankA' | 'bankB', applicationId: string, direction: 'northbound' | 'southbound') {
    await as(owner).post('/v1/applications', createBody(applicationId, direction)).expect(201);
    await stageReached(owner, applicationId, 'AWAITING_CONSENT');
    await as(owner)
      .post(`/v1/applications/${applicationId}/withdrawal`, { reasonCode: 'applicant-request' })
      .expect(200);
    await stageReached(owner, applicationId, 'WITHDRAWN');
  }

  /** Reviewed and declined by alice: a decision, so it counts in the decision times too. */
  async function declined(applicationId: string) {
    await as('bankA').post('/v1/applications', createBody(applicationId, 'southbound')).expect(201);
    await as('bankA')
      .post(`/v1/applications/${applicationId}/consent`, { ...southboundConsent, issuer: HK_ISSUER })
      .expect(200);
    await as('bankA')
      .post(`/v1/applications/${applicationId}/credit-report`, {
        reportHash: randomBytes(32).toString('hex'),
        scheme: 'sha256-raw-v1',
        decisionFields: { score: 640, scoreBand: 'C', delinquencyFlags: [] },
      })
      .expect(200);
    await stageReached('bankA', applicationId, 'IN_REVIEW');
    const task = `/v1/review-tasks/bank-a/${applicationId}`;
    await as('alice').post(`${task}/claim`, {}).expect(200);
    await as('alice')
      .post(`${task}/decision`, { outcome: 'decline', reasonCodes: ['insufficient-income'] })
      .expect(200);
    await stageReached('bankA', applicationId, 'DECLINED');
  }

  it('counts ended applications per lender, direction and outcome, withholds small cells and names nobody', async () => {
    const from = today();
    await Promise.all([
      ...['SV-A1', 'SV-A2', 'SV-A3', 'SV-A4'].map((id) => withdrawn('bankA', id, 'southbound')),
      ...['SV-B1', 'SV-B2'].map((id) => withdrawn('bankB', id, 'northbound')),
      ...['SV-D1', 'SV-D2', 'SV-D3'].map((id) => declined(id)),
    ]);
    const to = today();
    const window = `period=day&from=${from}&to=${to}`;

    // A day is counted once it is over: the supervisor asks tomorrow.
    const clock = stack.app.get(SupervisionClock, { strict: false });
    const refused = await as('supervisor').get(`/v1/supervision/outcomes?${window}`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    const tomorrow = new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000 + 2 * 3_600_000);
    clock.now = () => tomorrow;

    // Visibility is eventually consistent: wait until every ended application is counted.
    type Cell = {
      tenant: string;
      direction: string;
      applicantType: string;
      outcome: string;
      applications: number | null;
    };
    const published = (cells: Cell[]) => cells.filter((cell) => cell.applications !== null);
    const outcomes = await eventually(
      async () => (await as('supervisor').get(`/v1/supervision/outcomes?${window}`).expect(200)).body,
      (body: { cells: Cell[] }) => body.cells.length === 45 && published(body.cells).length === 2,
      'the supervisor counting every ended application',
    );
    const period = to;
    expect(outcomes).toMatchObject({
      window: {
        period: 'day',
        from: `${from}T00:00:00.000Z`,
        until: new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString(),
      },
      minCellCount: MIN_CELL,
      source: expect.stringContaining('Temporal visibility'),
    });
    // A token naming no lenders counts them all together ("*"). Every combination of the three
    // directions, three applicant types and five outcomes (unknown included) is a cell, whatever
    // happened: 45. Only two count at least 3, rounded to a multiple of 3 (4 shows as 3).
    const expectedCell = (direction: string, outcome: string, applications: number | null) => ({
      period,
      tenant: '*',
      direction,
      applicantType: 'person',
      outcome,
      applications,
      ...(applications === null && { suppressed: true }),
    });
    expect(published(outcomes.cells)).toEqual([
      expectedCell('southbound', 'DECLINED', 3),
      expectedCell('southbound', 'WITHDRAWN', 3),
    ]);
    // bank-b's two northbound withdrawals are withheld like the combinations nothing happened in.
    expect(outcomes.cells).toContainEqual(expectedCell('northbound', 'WITHDRAWN', null));

    const decisionTimes = (await as('supervisor').get(`/v1/supervision/decision-times?${window}`).expect(200)).body;
    expect(decisionTimes.cells).toHaveLength(3);
    // Decided within seconds: 0 whole hours.
    expect(decisionTimes.cells.filter((cell: { suppressed?: boolean }) => !cell.suppressed)).toEqual([
      { period, tenant: '*', direction: 'southbound', medianHoursToDecision: 0 },
    ]);

    // Nothing that names an application, a person, a reviewer or an amount.
    for (const body of [outcomes, decisionTimes]) {
      const text = JSON.stringify(body);
      for (const secret of ['SV-', 'LOS-', 'pseudonym', 'alice', AMOUNT, '123456']) expect(text).not.toContain(secret);
    }

    // The same cells as CSV, ready for a spreadsheet.
    const csv = await as('supervisor').get(`/v1/supervision/outcomes?${window}&format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('period,tenant,direction,applicantType,outcome,applications,suppressed');
    expect(lines).toHaveLength(1 + 45 + 1);
    expect(lines).toContain(`${period},*,southbound,person,WITHDRAWN,3,`);
    expect(lines).toContain(`${period},*,northbound,person,WITHDRAWN,,true`);

    // A supervisor of bank-b's regulator sees bank-b's flows only.
    const bankBSupervisor = await signDevToken(TEST_JWT_SECRET, {
      sub: 'hkma-bank-b',
      roles: ['supervisor'],
      tenants: ['bank-b'],
    });
    const scoped = (await call(`Bearer ${bankBSupervisor}`).get(`/v1/supervision/outcomes?${window}`).expect(200)).body;
    expect(new Set(scoped.cells.map((cell: { tenant: string }) => cell.tenant))).toEqual(new Set(['bank-b']));
  }, 180_000);

  it('never lets a supervisor read an application, its task or its history', async () => {
    await as('bankA').post('/v1/applications', createBody('SV-R1', 'southbound')).expect(201);
    for (const path of [
      '/v1/applications/SV-R1',
      '/v1/applications',
      '/v1/review-tasks',
      '/v1/review-tasks/bank-a/SV-R1',
      '/v1/ops/applications/bank-a/SV-R1/audit',
    ]) {
      const response = await as('supervisor').get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
  });

  it('refuses a window it cannot count, saying which field is wrong', async () => {
    const problems = async (query: string) => {
      const response = await as('supervisor').get(`/v1/supervision/outcomes?${query}`);
      return { status: response.status, errors: response.body.errors };
    };
    expect(await problems('period=day&from=2026-02-30&to=2026-03-01')).toEqual({
      status: 422,
      errors: [{ field: 'from', message: 'from must be a calendar date from 1970-01-01 on' }],
    });
    expect(await problems('period=day&from=2026-03-02&to=2026-03-01')).toEqual({
      status: 422,
      errors: [{ field: 'to', message: 'to must not be before from' }],
    });
    expect((await problems('period=year&from=2026-01-01&to=2026-03-01')).errors).toEqual([
      expect.objectContaining({ field: 'period' }),
    ]);
    expect((await problems('period=day&from=yesterday&to=2026-03-01')).errors).toEqual([
      expect.objectContaining({ field: 'from' }),
    ]);
  });
});
