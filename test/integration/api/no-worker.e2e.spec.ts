/**
 * With no worker polling, queries and updates cannot be answered. The API must say so (503, a
 * problem) within its deadline rather than hold requests open. Creating needs no worker: the
 * application is received once Temporal records it, and a retried create finds that one.
 */
import request from 'supertest';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';
import { closeWorkerContexts, startWorkerContext } from '#test-support/worker-context';

describe('the API while no worker is polling', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;

  beforeAll(async () => {
    stack = await startApiStack({ API_TEMPORAL_TIMEOUT_MS: '1500' }, { worker: false });
    tokens = await partyTokens();
  }, 180_000);

  afterAll(async () => {
    // End the workflows so the dev server stops cleanly.
    for (const id of ['NW-1', 'NW-2']) {
      await stack?.workflows.workflow
        .getHandle(`loan/bank-a/${id}`)
        .terminate('test over')
        .catch(() => undefined);
    }
    await closeWorkerContexts();
    await stack?.stop();
  });

  const timed = async (call: () => Promise<request.Response>): Promise<[request.Response, number]> => {
    const started = Date.now();
    const response = await call();
    return [response, Date.now() - started];
  };

  it('receives applications, answers reads and updates 503 within its deadline, and a retry starts nothing twice', async () => {
    const api = request(stack.url);
    const body = {
      applicationId: 'NW-1',
      loanSystemReference: 'LOS-NW-1',
      product: 'sme-credit-line',
      requestedLimit: { amount: '1000.00', currency: 'HKD' },
      applicantReference: 'pseudonym-nw-0001',
      applicantType: 'person',
      direction: 'southbound',
      reviewJurisdiction: 'HK',
    };
    const answers: number[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const created = await api.post('/v1/applications').set('Authorization', tokens.bankA).send(body);
      answers.push(created.status);
      expect(created.body).toMatchObject({ applicationId: 'NW-1', stage: 'RECEIVED' });
    }
    expect(answers).toEqual([201, 200]);
    const [read, readMs] = await timed(() => api.get('/v1/applications/NW-1').set('Authorization', tokens.bankA));
    expect(read.status).toBe(503);
    expect(read.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(read.body).toMatchObject({ status: 503, type: 'urn:lendbridge:problem:unavailable' });
    expect(readMs).toBeLessThan(8_000);
    const [consent, consentMs] = await timed(() =>
      api.post('/v1/applications/NW-1/consent').set('Authorization', tokens.bankA).send(southboundConsent),
    );
    expect(consent.status).toBe(503);
    expect(consentMs).toBeLessThan(8_000);

    const started: string[] = [];
    for await (const execution of stack.workflows.workflow.list({ query: `WorkflowId = 'loan/bank-a/NW-1'` })) {
      started.push(execution.runId);
    }
    expect(started).toHaveLength(1);
  });

  it('lands a keyed action once: the retry after a 503 answers as the first call did once a worker runs', async () => {
    const api = request(stack.url);
    await api
      .post('/v1/applications')
      .set('Authorization', tokens.bankA)
      .send({
        applicationId: 'NW-2',
        loanSystemReference: 'LOS-NW-2',
        product: 'sme-credit-line',
        requestedLimit: { amount: '1000.00', currency: 'HKD' },
        applicantReference: 'pseudonym-nw-0002',
        applicantType: 'person',
        direction: 'southbound',
        reviewJurisdiction: 'HK',
      })
      .expect(201);
    const consent = () =>
      api
        .post('/v1/applications/NW-2/consent')
        .set('Authorization', tokens.bankA)
        .set('Idempotency-Key', 'nw-2-consent')
        .send({ ...southboundConsent, issuer: HK_ISSUER });
    await consent().expect(503);
    // The update waits in Temporal for a worker: when one comes, it lands; the retry must not fail.
    await startWorkerContext(stack.config);
    const retried = await eventually(
      () => consent(),
      (response) => response.status !== 503,
      'an answer once a worker runs',
    );
    expect(retried.status).toBe(200);
    const state = await eventually(
      async () => (await api.get('/v1/applications/NW-2').set('Authorization', tokens.bankA)).body,
      (body) => body.stage === 'AWAITING_REPORT',
      'NW-2 awaiting its report',
    );
    expect(state.timeline.filter((e: { event: string }) => e.event === 'consent granted')).toHaveLength(1);
  });
});
