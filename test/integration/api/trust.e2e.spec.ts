/**
 * The trust findings, each tried as the attacker or careless operator who found it, on the real
 * stack (API, worker, Temporal dev server, anvil): forged and replayed actions, plaintext sent
 * straight to Temporal, applications ended from outside, look-alike identities, ids and
 * jurisdictions that can never work, idempotent retries, a consent that does not cover the
 * report's issuer, and an application whose history grows past one run.
 */
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import request from 'supertest';
import { AesGcmCodec } from '#codec';
import {
  claimReview,
  completeReview,
  DEFAULT_POLICY,
  LOAN_APPLICATION_WORKFLOW,
  type ActionRequest,
  type ApplicationInput,
} from '#domain';
import { hashReportBytes } from '#hashing';
import { DEV_KEYS } from '#stack/dev-ledger';
import { bearer, partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';
import { testWriter } from '#test-support/ledger';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';

const FIELDS = { score: 702, scoreBand: 'A', delinquencyFlags: [] };
const CONSENT = { ...southboundConsent, issuer: HK_ISSUER };

describe('trust under adversarial use, over HTTP and straight at Temporal', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;
  const api = () => request(stack.url);

  beforeAll(async () => {
    // A short run (continue-as-new) and a quick reconciler, so both show within a test.
    stack = await startApiStack({ WORKFLOW_EVENTS_PER_RUN: '60', RECONCILE_EVERY_MS: '500' });
    tokens = await partyTokens();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const createBody = (applicationId: string, amount = '100000.00') => ({
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    requestedLimit: { amount, currency: 'HKD' },
    applicantReference: 'pseudonym-TRUST0001',
    applicantType: 'person' as const,
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });
  const view = async (id: string, token = tokens.bankA) =>
    (await api().get(`/v1/applications/${id}`).set('Authorization', token).expect(200)).body;
  const task = (id: string) => `/v1/review-tasks/bank-a/${id}`;

  /** Creates an application and takes it into review with a report the HK agency anchored. */
  async function inReview(id: string, options: { amount?: string; token?: string } = {}): Promise<void> {
    const token = options.token ?? tokens.bankA;
    const { hash } = hashReportBytes(Buffer.from(`%PDF-1.7 report for ${id} ${Date.now()}`));
    await testWriter(stack.ledgerClient, DEV_KEYS.issuerHK).anchorReport(
      'personal-credit-report',
      hash,
      new Date(Date.now() + 30 * 86_400_000),
    );
    await api().post('/v1/applications').set('Authorization', token).send(createBody(id, options.amount)).expect(201);
    await api().post(`/v1/applications/${id}/consent`).set('Authorization', token).send(CONSENT).expect(200);
    await api()
      .post(`/v1/applications/${id}/credit-report`)
      .set('Authorization', token)
      .send({ reportHash: hash, scheme: 'sha256-raw-v1', decisionFields: FIELDS })
      .expect(200);
    await eventually(
      () => view(id, token),
      (state) => state.stage === 'IN_REVIEW',
      `${id} in review`,
    );
  }

  const inbox = async (token = tokens.alice): Promise<{ total: number; ids: string[] }> => {
    const body = (await api().get('/v1/review-tasks?limit=100').set('Authorization', token).expect(200)).body;
    return { total: body.total, ids: (body.items as { applicationId: string }[]).map((item) => item.applicationId) };
  };
  const listed = async (query: string): Promise<string[]> =>
    (
      (await api().get(`/v1/applications?${query}`).set('Authorization', tokens.bankA).expect(200)).body.items as {
        applicationId: string;
      }[]
    ).map((item) => item.applicationId);

  async function refusalOf(action: Promise<unknown>): Promise<{ type?: string; message: string }> {
    const error = await action.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause as { type?: string; message?: string } | undefined;
    return { type: cause?.type, message: cause?.message ?? '' };
  }

  it('refuses a review decision written straight to Temporal with the payload keys, and a genuine one replayed', async () => {
    await inReview('T-FORGE', { amount: '800000.00' });
    const handle = stack.workflows.workflow.getHandle('loan/bank-a/T-FORGE');
    // What an ops person could produce with the codec keys or an encrypting endpoint: encrypted,
    // any subject and roles, but no assertion from the API.
    for (const ghost of ['ghost-1', 'ghost-2']) {
      const actor = { subject: ghost, roles: ['senior-reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };
      const claim = await refusalOf(handle.executeUpdate(claimReview, { args: [{ actor, assertion: '' }] }));
      expect(claim).toEqual({ type: 'UpdateForbidden', message: 'the action carries no assertion from the API' });
      const outcome = { kind: 'approve' as const, recommendedLimit: { amount: '800000.00', currency: 'HKD' } };
      const approval = handle.executeUpdate(completeReview, { args: [{ actor, outcome, assertion: '' }] });
      expect((await refusalOf(approval)).type).toBe('UpdateForbidden');
    }
    // A real reviewer's claim, as it sits in another application's history, replayed here.
    await inReview('T-GENUINE');
    await api()
      .post(`${task('T-GENUINE')}/claim`)
      .set('Authorization', tokens.alice)
      .expect(200);
    const history = await stack.workflows.workflow.getHandle('loan/bank-a/T-GENUINE').fetchHistory();
    const accepted = history.events!.find(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'claimReview',
    )!.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!;
    const [genuine] = await new AesGcmCodec(stack.config.codec).decode(accepted.input!.args!.payloads!);
    const arg = JSON.parse(Buffer.from(genuine!.data!).toString()) as ActionRequest;
    const replayed = handle.executeUpdate(claimReview, { args: [arg], updateId: accepted.meta!.updateId! });
    expect(await refusalOf(replayed)).toEqual({
      type: 'UpdateForbidden',
      message: 'the action assertion is for another application',
    });
    const state = await view('T-FORGE');
    expect(state.stage).toBe('IN_REVIEW');
    expect(state.review.approvals).toBe(0);
    const audit = await api()
      .get('/v1/ops/applications/bank-a/T-FORGE/audit')
      .set('Authorization', tokens.ops)
      .expect(200);
    expect(JSON.stringify(audit.body)).not.toMatch(/ghost-|alice/);
  });

  it('keeps an application working after a plaintext update sent straight to Temporal', async () => {
    await inReview('T-PLAIN');
    const raw = new Client({ connection: stack.workflows.connection, namespace: stack.config.temporal.namespace });
    const actor = { subject: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };
    const plain = raw.workflow.getHandle('loan/bank-a/T-PLAIN').executeUpdate('claimReview', { args: [{ actor }] });
    // Refused (this client, holding no keys, cannot even read why: the failure comes back encrypted).
    await expect(plain).rejects.toThrow();
    // No workflow task failed: reads and actions answer at once.
    expect((await view('T-PLAIN')).stage).toBe('IN_REVIEW');
    await api().get(task('T-PLAIN')).set('Authorization', tokens.alice).expect(200);
    await api()
      .post(`${task('T-PLAIN')}/claim`)
      .set('Authorization', tokens.alice)
      .expect(200);
    await api()
      .post(`${task('T-PLAIN')}/decision`)
      .set('Authorization', tokens.alice)
      .send({ outcome: 'decline', reasonCodes: ['insufficient-income'] })
      .expect(200);
    await eventually(
      () => view('T-PLAIN'),
      (state) => state.stage === 'DECLINED',
      'T-PLAIN declined',
    );
  });

  it('shows an application an operator terminated as FAILED everywhere, and tells the loan system once', async () => {
    await inReview('T-TERM');
    await eventually(inbox, ({ ids }) => ids.includes('T-TERM'), 'T-TERM in the inbox');
    const before = stack.receiver.events.filter((e) => e.applicationId === 'T-TERM').map((e) => e.sequence);
    await stack.workflows.workflow.getHandle('loan/bank-a/T-TERM').terminate('an operator ended it');
    const state = await view('T-TERM');
    expect(state).toMatchObject({ stage: 'FAILED', ending: { reason: 'terminated by an operator' } });
    expect(state.timeline.at(-1).event).toBe('entered FAILED');
    await eventually(
      async () => [await listed('stage=IN_REVIEW'), await listed('stage=FAILED'), (await inbox()).ids] as const,
      ([inReviewList, failed, inboxIds]) =>
        !inReviewList.includes('T-TERM') && failed.includes('T-TERM') && !inboxIds.includes('T-TERM'),
      'list and inbox to agree',
    );
    await api()
      .post(`${task('T-TERM')}/claim`)
      .set('Authorization', tokens.alice)
      .expect(409);
    const terminal = await eventually(
      () =>
        Promise.resolve(
          stack.receiver.events.filter((e) => e.applicationId === 'T-TERM' && e.type === 'application.failed'),
        ),
      (events) => events.length > 0,
      'the terminal event',
    );
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({
      sequence: Math.max(0, ...before) + 1,
      data: { reason: 'terminated by an operator', stage: 'IN_REVIEW' },
    });
  });

  it('ends an application an operator cancelled FAILED, with one terminal event, out of every inbox', async () => {
    await inReview('T-CANCEL');
    await stack.workflows.workflow.getHandle('loan/bank-a/T-CANCEL').cancel();
    await eventually(
      () => view('T-CANCEL'),
      (state) => state.stage === 'FAILED',
      'T-CANCEL failed',
    );
    await eventually(
      () => Promise.resolve(stack.receiver.events.filter((e) => e.applicationId === 'T-CANCEL').map((e) => e.type)),
      (types) => types.at(-1) === 'application.failed',
      'the terminal event',
    );
    await eventually(inbox, ({ ids }) => !ids.includes('T-CANCEL'), 'T-CANCEL out of the inbox');
  });

  it('lists an application reset by an operator once, and counts it once in the inbox', async () => {
    await inReview('T-RESET');
    await eventually(inbox, ({ ids }) => ids.includes('T-RESET'), 'T-RESET in the inbox');
    const { total: before } = await inbox();
    const handle = stack.workflows.workflow.getHandle('loan/bank-a/T-RESET');
    const { runId } = await handle.describe();
    const events = (await handle.fetchHistory()).events ?? [];
    const lastTask = events.filter((e) => e.workflowTaskCompletedEventAttributes).at(-1)!;
    await stack.workflows.workflowService.resetWorkflowExecution({
      namespace: stack.config.temporal.namespace,
      workflowExecution: { workflowId: 'loan/bank-a/T-RESET', runId },
      workflowTaskFinishEventId: lastTask.eventId,
      requestId: `reset-${Date.now()}`,
      reason: 'an operator reset it',
    });
    await eventually(
      async () => (await handle.describe()).runId,
      (latest) => latest !== runId,
      'the new run',
    );
    await eventually(
      async () => [await listed('stage=IN_REVIEW'), await inbox()] as const,
      ([list, box]) =>
        list.filter((id) => id === 'T-RESET').length === 1 &&
        box.ids.filter((id) => id === 'T-RESET').length === 1 &&
        box.total === before,
      'one application, counted once',
    );
    expect((await listed('stage=FAILED')).includes('T-RESET')).toBe(false);
    expect((await view('T-RESET')).stage).toBe('IN_REVIEW');
  });

  it('treats Alice and alice as one person for four-eyes, and the submitter by any spelling as the maker', async () => {
    await inReview('T-EYES', { amount: '800000.00' });
    const upper = await bearer({ sub: 'Alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] });
    await api()
      .post(`${task('T-EYES')}/claim`)
      .set('Authorization', upper)
      .expect(200);
    await api()
      .post(`${task('T-EYES')}/decision`)
      .set('Authorization', upper)
      .send({ outcome: 'approve', recommendedLimit: { amount: '800000.00', currency: 'HKD' } })
      .expect(200);
    const second = await api()
      .post(`${task('T-EYES')}/claim`)
      .set('Authorization', tokens.alice)
      .expect(403);
    expect(second.body.detail).toContain('you approved this application already');

    const los = await bearer({ sub: 'LOS-BANK-A', roles: ['loan-system'], tenant: 'bank-a' });
    await inReview('T-MAKER', { token: los });
    const maker = await bearer({ sub: ' los-bank-a', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] });
    const claimed = await api()
      .post(`${task('T-MAKER')}/claim`)
      .set('Authorization', maker)
      .expect(403);
    expect(claimed.body.detail).toContain('you submitted this application');
    const invisible = await bearer({
      sub: 'ali\u200bce',
      roles: ['reviewer'],
      jurisdictions: ['HK'],
      tenants: ['bank-a'],
    });
    await api().get(task('T-MAKER')).set('Authorization', invisible).expect(401);
  });

  it('refuses at creation what could never work: dot ids, and a jurisdiction no reviewer serves', async () => {
    for (const id of ['.', '..']) {
      const response = await api().post('/v1/applications').set('Authorization', tokens.bankA).send(createBody(id));
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'applicationId' })]);
    }
    const xx = await api()
      .post('/v1/applications')
      .set('Authorization', tokens.bankA)
      .send({ ...createBody('T-XX'), reviewJurisdiction: 'XX' })
      .expect(422);
    expect(xx.body.errors).toEqual([expect.objectContaining({ field: 'reviewJurisdiction' })]);
    const nothing = await stack.workflows.workflow
      .getHandle('loan/bank-a/T-XX')
      .describe()
      .catch(() => 'absent');
    expect(nothing).toBe('absent');
  });

  it('answers a retried action with an Idempotency-Key as the first was, and refuses the key with another body', async () => {
    await api().post('/v1/applications').set('Authorization', tokens.bankA).send(createBody('T-IDEM')).expect(201);
    const send = (body: object) =>
      api()
        .post('/v1/applications/T-IDEM/consent')
        .set('Authorization', tokens.bankA)
        .set('Idempotency-Key', 'consent-T-IDEM-1')
        .send(body);
    const first = await send(CONSENT).expect(200);
    const again = await send(CONSENT).expect(200);
    // The retry answers the application as it is now: the consent's evidence hash may have been
    // recorded in between, nothing else about the consent may differ.
    expect(again.body.consent).toMatchObject(first.body.consent);
    const reused = await send({ ...CONSENT, channel: 'branch' }).expect(422);
    expect(reused.body.detail).toContain('Idempotency-Key');
    const state = await view('T-IDEM');
    expect(state.timeline.filter((e: { event: string }) => e.event === 'consent granted')).toHaveLength(1);
    // On create: the same key with another body under the same id is the key's mistake (422).
    const keyed = (body: object) =>
      api().post('/v1/applications').set('Authorization', tokens.bankA).set('Idempotency-Key', 'create-1').send(body);
    await keyed(createBody('T-IDEM-C')).expect(201);
    await keyed(createBody('T-IDEM-C')).expect(200);
    await keyed(createBody('T-IDEM-C', '2000.00')).expect(422);
    await api()
      .post('/v1/applications/T-IDEM/consent')
      .set('Authorization', tokens.bankA)
      .set('Idempotency-Key', 'x'.repeat(300))
      .send(CONSENT)
      .expect(400);
  });

  it('verifies a report only against the issuer the applicant consented to, and says so', async () => {
    const { hash } = hashReportBytes(Buffer.from(`%PDF-1.7 a report the CN centre anchored ${Date.now()}`));
    await testWriter(stack.ledgerClient, DEV_KEYS.issuerCN).anchorReport(
      'personal-credit-report',
      hash,
      new Date(Date.now() + 30 * 86_400_000),
    );
    await api().post('/v1/applications').set('Authorization', tokens.bankA).send(createBody('T-SCOPE')).expect(201);
    await api().post('/v1/applications/T-SCOPE/consent').set('Authorization', tokens.bankA).send(CONSENT).expect(200);
    await api()
      .post('/v1/applications/T-SCOPE/credit-report')
      .set('Authorization', tokens.bankA)
      .send({ reportHash: hash, scheme: 'sha256-raw-v1', decisionFields: FIELDS })
      .expect(200);
    const state = await eventually(
      () => view('T-SCOPE'),
      (s) => s.stage === 'IN_REVIEW',
      'T-SCOPE in review',
    );
    expect(state.verification).toMatchObject({
      verdict: 'NOT_ANCHORED',
      detail: `not anchored by ${HK_ISSUER}, the issuer the applicant's consent covers`,
    });
  });

  it('answers GET for an application that failed on its input, started by another client', async () => {
    const input: ApplicationInput = {
      ...createBody('T-BADINPUT'),
      requestedLimit: { amount: '12.345', currency: 'HKD' },
      direction: 'southbound',
      tenant: 'bank-a',
      submittedBy: 'los-bank-a',
      policy: { ...DEFAULT_POLICY },
    };
    await stack.workflows.workflow.start(LOAN_APPLICATION_WORKFLOW, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: 'loan/bank-a/T-BADINPUT',
      args: [input],
    });
    const state = await eventually(
      () => view('T-BADINPUT'),
      (s) => s.stage === 'FAILED',
      'T-BADINPUT failed',
    );
    expect(state.stage).toBe('FAILED');
  });

  it('continues an application whose history grows as new, and it keeps working through the API', async () => {
    await inReview('T-LONG');
    const runs = async (): Promise<number> => {
      let count = 0;
      for await (const _ of stack.workflows.workflow.list({ query: `WorkflowId = 'loan/bank-a/T-LONG'` })) count++;
      return count;
    };
    for (let cycle = 0; cycle < 30; cycle++) {
      await api()
        .post(`${task('T-LONG')}/claim`)
        .set('Authorization', tokens.alice)
        .expect(200);
      await api()
        .post(`${task('T-LONG')}/release`)
        .set('Authorization', tokens.alice)
        .expect(200);
    }
    await eventually(runs, (count) => count > 1, 'a continued run');
    expect((await listed('stage=IN_REVIEW')).filter((id) => id === 'T-LONG')).toHaveLength(1);
    await api()
      .post(`${task('T-LONG')}/claim`)
      .set('Authorization', tokens.bob)
      .expect(200);
    await api()
      .post(`${task('T-LONG')}/decision`)
      .set('Authorization', tokens.bob)
      .send({ outcome: 'decline', reasonCodes: ['insufficient-income'] })
      .expect(200);
    const state = await eventually(
      () => view('T-LONG'),
      (s) => s.stage === 'DECLINED',
      'T-LONG declined',
    );
    expect(state.timeline.length).toBeLessThanOrEqual(100);
    await api().post('/v1/applications').set('Authorization', tokens.bankA).send(createBody('T-LONG')).expect(200);
  }, 120_000);
});
