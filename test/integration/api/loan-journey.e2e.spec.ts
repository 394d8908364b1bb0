/**
 * The whole journey over HTTP, as a loan system and two reviewers drive it: the real API, worker,
 * Temporal dev server and anvil; webhooks checked by a receiver that verifies signatures; and the
 * raw history read without the codec, to prove nothing personal reaches Temporal in clear.
 */
import { readFileSync } from 'node:fs';
import { Controller, Get, Global, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { LendbridgeModule } from '#api/lendbridge.module';
import {
  createLendbridgeClient,
  LendbridgeError,
  unwrap,
  uploadCreditReport,
  type LendbridgeClient,
  type paths,
  type Schemas,
} from '#client';
import { AesGcmCodec } from '#codec';
import { DEFAULT_POLICY } from '#domain';
import { hashReportBytes } from '#hashing';
import { DEV_KEYS } from '#stack/dev-ledger';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';
import { testWriter } from '#test-support/ledger';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';
import { OPENAPI_FILE } from '#tools/client/client-files';

const APPLICANT = 'pseudonym-7Q2XK9LM';
const NOTES = 'income verified against payslips, sentinel-note-58213';
const REPORT_BYTES = Buffer.from('%PDF-1.7 credit report of applicant sentinel-report-90817, score 687');
const FIELDS = { score: 687, scoreBand: 'B' as const, delinquencyFlags: [] };

describe('the API, end to end: a loan system and two reviewers', () => {
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

  const body = (applicationId: string): Schemas['CreateApplicationDto'] => ({
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    // Above the four-eyes threshold (500,000.00): two approvers are needed.
    requestedLimit: { amount: '600000.00', currency: 'HKD' },
    applicantReference: APPLICANT,
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });

  /** The typed client as one of the parties: the calls a loan system or a reviewer makes. */
  const client = (party: Party): LendbridgeClient =>
    createLendbridgeClient({ baseUrl: stack.url, token: tokens[party].slice('Bearer '.length) });
  const at = (applicationId: string) => ({ params: { path: { applicationId } } });
  const task = (applicationId: string) => ({ params: { path: { tenant: 'bank-a', applicationId } } });
  // The document does not describe the views yet: these are the fields the journey reads.
  type View = { stage: string; links: { self: string; temporalUi: string } } & Record<string, unknown>;

  const stageOf = async (id: string): Promise<string> =>
    ((await unwrap(client('bankA').GET('/v1/applications/{applicationId}', at(id)))) as View).stage;

  it('creates idempotently, reviews with four eyes, decides, tells the loan system and keeps history encrypted', async () => {
    const { hash: reportHash } = hashReportBytes(REPORT_BYTES);
    await testWriter(stack.ledgerClient, DEV_KEYS.issuerHK).anchorReport(
      'personal-credit-report',
      reportHash,
      new Date(Date.now() + 30 * 86_400_000),
    );
    const bankA = client('bankA');

    // Create: 201, then the same request again is 200 with the same resource; another body is 409.
    const created = await bankA.POST('/v1/applications', { body: body('J-1') });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('content-type')).toMatch(/application\/json/);
    const receipt = (await unwrap(Promise.resolve(created))) as View;
    expect(receipt).toMatchObject({
      tenant: 'bank-a',
      applicationId: 'J-1',
      workflowId: 'loan/bank-a/J-1',
      stage: 'RECEIVED', // the receipt: answered without waiting for a worker
      submittedBy: 'los-bank-a',
      requestedLimit: { amount: '600000.00', currency: 'HKD' },
    });
    expect(JSON.stringify(receipt)).not.toContain(APPLICANT);
    expect(created.response.headers.get('location')).toBe('/v1/applications/J-1');
    expect(receipt.links.self).toBe('/v1/applications/J-1');
    const again = await bankA.POST('/v1/applications', { body: body('J-1') });
    expect(again.response.status).toBe(200);
    expect(again.data).toEqual(receipt);
    const conflict = bankA.POST('/v1/applications', {
      body: { ...body('J-1'), requestedLimit: { amount: '700000.00', currency: 'HKD' } },
    });
    const refusal = await unwrap(conflict).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LendbridgeError);
    expect((refusal as LendbridgeError).problem).toMatchObject({
      status: 409,
      type: 'urn:lendbridge:problem:conflict',
    });
    expect((await conflict).response.headers.get('content-type')).toMatch(/application\/problem\+json/);

    // Where it is now: the worker took it on to wait for consent.
    expect(await stageOf('J-1')).toBe('AWAITING_CONSENT');

    // Another tenant cannot see it: the id does not exist for them.
    const hidden = await client('bankB').GET('/v1/applications/{applicationId}', at('J-1'));
    expect(hidden.response.status).toBe(404);
    expect(hidden.error).toMatchObject({ status: 404, type: 'urn:lendbridge:problem:not-found' });

    await unwrap(
      bankA.POST('/v1/applications/{applicationId}/consent', {
        ...at('J-1'),
        body: { ...southboundConsent, issuer: HK_ISSUER },
      }),
    );

    // The report as a file: hashed as it streams, only the hash goes on.
    const submitted = (await unwrap(
      uploadCreditReport(bankA, 'J-1', {
        report: new Blob([REPORT_BYTES], { type: 'application/pdf' }),
        decisionFields: FIELDS,
        filename: 'report.pdf',
      }),
    )) as View;
    expect(submitted.report).toEqual({ reportHash, scheme: 'sha256-raw-v1' });
    await eventually(
      () => stageOf('J-1'),
      (stage) => stage === 'IN_REVIEW',
      'review',
    );

    // Alice finds it in her inbox (visibility is eventually consistent) and reads the task.
    const alice = client('alice');
    const inbox = await eventually(
      () => unwrap(alice.GET('/v1/review-tasks')),
      (page) => page.items.some((item) => item.applicationId === 'J-1'),
      'the inbox',
    );
    expect(inbox).toMatchObject({ queues: ['HK-standard'], total: 1, truncated: false });
    expect(inbox.nextCursor).toBeUndefined();
    expect(inbox.items.find((item) => item.applicationId === 'J-1')).toMatchObject({
      tenant: 'bank-a',
      queue: 'HK-standard',
      overdue: false,
    });
    const detail = (await unwrap(alice.GET('/v1/review-tasks/{tenant}/{applicationId}', task('J-1')))) as View;
    expect(detail).toMatchObject({
      verification: { verdict: 'VERIFIED', anchor: { issuerName: 'Demo Credit Reference Agency (HK)' } },
      report: { decisionFields: FIELDS },
      review: { queue: 'HK-standard', approvalsRequired: 2 },
    });
    expect(detail.links.temporalUi).toContain(encodeURIComponent('loan/bank-a/J-1'));

    // First approval, by alice; she cannot be the second.
    await unwrap(alice.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', task('J-1')));
    const first = (await unwrap(
      alice.POST('/v1/review-tasks/{tenant}/{applicationId}/decision', {
        ...task('J-1'),
        body: { outcome: 'approve', recommendedLimit: { amount: '550000.00', currency: 'HKD' }, notes: NOTES },
      }),
    )) as View;
    expect(first.stage).toBe('IN_REVIEW');
    const refused = await alice.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', task('J-1'));
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({
      detail: 'you approved this application already: a second approver is required',
    });

    // Bob completes the four eyes; the decision follows.
    const bob = client('bob');
    await unwrap(bob.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', task('J-1')));
    await unwrap(
      bob.POST('/v1/review-tasks/{tenant}/{applicationId}/decision', {
        ...task('J-1'),
        body: { outcome: 'approve', recommendedLimit: { amount: '500000.00', currency: 'HKD' } },
      }),
    );
    await eventually(
      () => stageOf('J-1'),
      (stage) => stage === 'APPROVED',
      'the decision',
    );
    const decided = (await unwrap(bankA.GET('/v1/applications/{applicationId}', at('J-1')))) as View;
    expect(decided.decision).toMatchObject({
      outcome: 'APPROVED',
      limit: { amount: '450000.00', currency: 'HKD' },
    });
    expect(decided.decisionEvidenceHash).toMatch(/^[0-9a-f]{64}$/);
    // The loan system does not see reviewers' notes.
    expect(JSON.stringify(decided)).not.toContain('sentinel-note');

    // Too late to withdraw: the application is closed.
    await expect(
      unwrap(
        bankA.POST('/v1/applications/{applicationId}/withdrawal', {
          ...at('J-1'),
          body: { reasonCode: 'applicant-request' },
        }),
      ),
    ).rejects.toMatchObject({ problem: { status: 409, detail: expect.stringMatching(/closed|APPROVED/) } });

    // The loan system was told, each event once, every signature valid.
    await eventually(
      () => Promise.resolve(stack.receiver.events.map((e) => e.type)),
      (types) => types.includes('application.decided'),
      'the decided webhook',
    );
    expect(stack.receiver.events.filter((e) => e.workflowId === 'loan/bank-a/J-1').map((e) => e.type)).toEqual([
      'application.in-review',
      'application.decided',
    ]);
    expect(stack.receiver.badSignatures).toBe(0);

    // Ops read who did what from the history, through the codec.
    const audit = (await unwrap(
      client('ops').GET('/v1/ops/applications/{tenant}/{applicationId}/audit', task('J-1')),
    )) as { entries: { who: string; what: string }[] };
    const lines = audit.entries.map((e) => `${e.who}: ${e.what}`);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^alice: completeReview/)]));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^bob: completeReview/)]));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^los-bank-a: /)]));
    expect(JSON.stringify(audit)).not.toContain('sentinel-note');

    // Without the codec, the history says nothing personal: not in JSON, not in any payload's bytes.
    const raw = new Client({ connection: stack.workflows.connection, namespace: stack.config.temporal.namespace });
    const history = await raw.workflow.getHandle('loan/bank-a/J-1').fetchHistory();
    const texts = [JSON.stringify(history)];
    const collect = (value: unknown): void => {
      if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(history);
    const everything = texts.join('\n');
    for (const secret of [APPLICANT, 'sentinel-note-58213', 'sentinel-report-90817', '"score":687', 'scoreBand']) {
      expect(everything).not.toContain(secret);
    }
    // ... while the same payloads through the codec do hold them: the check above can fail.
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const [input] = await new AesGcmCodec(stack.config.codec).decode(started);
    expect(Buffer.from(input!.data!).toString('utf8')).toContain(APPLICANT);
    const state = JSON.stringify(await stack.workflows.workflow.getHandle('loan/bank-a/J-1').query('getState'));
    expect(state).toContain('"score":687');

    const metrics = await api().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/lendbridge_workflow_starts_total\{outcome="started"\} [1-9]/);
    expect(metrics.text).toMatch(/lendbridge_workflow_starts_total\{outcome="existing"\} [1-9]/);
    expect(metrics.text).toMatch(/lendbridge_workflow_updates_total\{update="completeReview",outcome="accepted"\} 2/);
  });

  it('decrypts history payloads for the Temporal UI, for an ops session only', async () => {
    const raw = new Client({ connection: stack.workflows.connection, namespace: stack.config.temporal.namespace });
    const history = await raw.workflow.getHandle('loan/bank-a/J-1').fetchHistory();
    const [encrypted] = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    };
    const uiOrigin = new URL(stack.config.temporal.uiUrl).origin;

    await api().post('/codec/decode').set('Origin', uiOrigin).send(body).expect(401);
    await api().post('/codec/decode').set('Authorization', tokens.alice).send(body).expect(403);

    // The ops person signs in once; the browser then sends the cookie with the UI's codec calls.
    const session = await api().post('/codec/session').set('Authorization', tokens.ops).expect(204);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    expect(String(session.headers['set-cookie'])).toMatch(/HttpOnly/i);
    const decoded = await api()
      .post('/codec/decode')
      .set('Origin', uiOrigin)
      .set('Cookie', cookie)
      .send(body)
      .expect(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(decoded.headers['access-control-allow-credentials']).toBe('true');
    const clear = Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8');
    expect(clear).toContain(APPLICANT);

    // Nothing encrypts for anyone: the UI needs only decryption, and an encrypting endpoint would let
    // an ops session write payloads a worker decrypts. A reviewer's cookie decrypts nothing.
    await api().post('/codec/encode').set('Cookie', cookie).send(decoded.body).expect(404);
    const aliceCookie = `lendbridge_session=${tokens.alice.slice('Bearer '.length)}`;
    await api().post('/codec/decode').set('Cookie', aliceCookie).send(body).expect(403);
    // A cookie counts only for the codec: the rest of the API wants the header.
    await api().get('/v1/applications/J-1').set('Cookie', cookie).expect(401);
    const malformed = await api().post('/codec/decode').set('Cookie', cookie).send({ payloads: 'nope' }).expect(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it("lists the tenant's applications through visibility, filtered and paged", async () => {
    for (const id of ['L-1', 'L-2']) {
      expect((await client('bankA').POST('/v1/applications', { body: body(id) })).response.status).toBe(201);
    }
    type Query = NonNullable<paths['/v1/applications']['get']['parameters']['query']>;
    const list = async (query: Query, party: Party = 'bankA') =>
      (await unwrap(client(party).GET('/v1/applications', { params: { query } }))) as {
        items: { applicationId: string; stage: string; outcome?: string }[];
        nextPageToken?: string;
      };
    const waiting = await eventually(
      () => list({ stage: 'AWAITING_CONSENT' }),
      (page) => page.items.length === 2,
      'both new applications to be listed',
    );
    expect(waiting.items.map((i) => i.applicationId).sort()).toEqual(['L-1', 'L-2']);

    const first = await list({ stage: 'AWAITING_CONSENT', pageSize: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await list({ stage: 'AWAITING_CONSENT', pageSize: 1, pageToken: first.nextPageToken! });
    expect([...first.items, ...second.items].map((i) => i.applicationId).sort()).toEqual(['L-1', 'L-2']);

    expect((await list({ outcome: 'APPROVED' })).items.map((i) => i.applicationId)).toEqual(['J-1']);
    expect((await list({ createdFrom: new Date(Date.now() + 3_600_000).toISOString() })).items).toEqual([]);
    expect(
      (await list({ createdTo: new Date(Date.now() + 3_600_000).toISOString() })).items.length,
    ).toBeGreaterThanOrEqual(3);
    // Another tenant's list does not include bank-a's applications.
    expect((await list({}, 'bankB')).items).toEqual([]);
  });

  it('publishes its OpenAPI document, and the docs page loads nothing from the internet', async () => {
    const openapi = await api().get('/openapi.json').expect(200);
    // The typed client was generated from this very document (its generator builds it in-process).
    expect(openapi.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/applications',
        '/v1/applications/{applicationId}/credit-report',
        '/v1/review-tasks/{tenant}/{applicationId}/decision',
        '/v1/ops/applications/{tenant}/{applicationId}/audit',
      ]),
    );
    expect(openapi.body.components.schemas.CreateApplicationDto.required).toEqual(
      expect.arrayContaining(['applicationId', 'requestedLimit', 'applicantReference']),
    );
    // The inbox's paging: its query parameters and the page it answers.
    const inboxOperation = openapi.body.paths['/v1/review-tasks'].get;
    expect(inboxOperation.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['queue', 'jurisdiction', 'limit', 'after']),
    );
    expect(inboxOperation.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({
      minimum: 1,
      maximum: 100,
      default: 25,
    });
    expect(inboxOperation.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/InboxPageDto',
    );
    expect(Object.keys(openapi.body.components.schemas.InboxPageDto.properties)).toEqual(
      expect.arrayContaining(['queues', 'total', 'items', 'nextCursor']),
    );
    const docs = await api().get('/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger');
    expect(docs.text).not.toMatch(/(src|href)="https?:\/\//);
  });
});

describe('lendbridge as a plugin in a host application', () => {
  const HOST_SETTINGS = Symbol('HostSettings');

  @Controller('host')
  class HostController {
    @Get('hello')
    hello(): { from: string } {
      return { from: 'the host' };
    }
  }

  @Global()
  @Module({ providers: [{ provide: HOST_SETTINGS, useValue: { fourEyesAbove: '1000.00' } }], exports: [HOST_SETTINGS] })
  class HostSettingsModule {}

  let stack: ApiStack;
  let host: INestApplication;
  let tokens: Record<Party, string>;

  beforeAll(async () => {
    stack = await startApiStack();
    tokens = await partyTokens();
    @Module({
      imports: [
        HostSettingsModule,
        LendbridgeModule.forRootAsync({
          inject: [HOST_SETTINGS],
          useFactory: (settings: { fourEyesAbove: string }) => ({
            config: stack.config,
            // The host's own policy: four eyes from 1,000.00 up.
            policy: {
              policyFor: () => ({ ...DEFAULT_POLICY, fourEyesThresholds: { HKD: settings.fourEyesAbove } }),
            },
          }),
        }),
      ],
      controllers: [HostController],
    })
    class HostModule {}
    host = await NestFactory.create(HostModule, { logger: ['error'] });
    await host.listen(0, '127.0.0.1');
  }, 180_000);

  afterAll(async () => {
    await host?.close();
    await stack?.stop();
  });

  it("serves lendbridge's endpoints with the host's policy, and leaves the host's own routes alone", async () => {
    const api = request(await host.getUrl());
    // The host's route needs no lendbridge token: the plugin's guard is scoped to its controllers.
    await api.get('/host/hello').expect(200, { from: 'the host' });
    await api.get('/applications').expect(401);

    await api
      .post('/applications')
      .set('Authorization', tokens.bankA)
      .send({
        applicationId: 'HOST-1',
        loanSystemReference: 'LOS-HOST-1',
        product: 'sme-credit-line',
        requestedLimit: { amount: '5000.00', currency: 'HKD' },
        applicantReference: APPLICANT,
        applicantType: 'person',
        direction: 'southbound',
        reviewJurisdiction: 'HK',
      })
      .expect(201);
    await api
      .post('/applications/HOST-1/consent')
      .set('Authorization', tokens.bankA)
      .send(southboundConsent)
      .expect(200);
    await api
      .post('/applications/HOST-1/credit-report')
      .set('Authorization', tokens.bankA)
      .send({ reportHash: 'e'.repeat(64), scheme: 'sha256-raw-v1', decisionFields: FIELDS })
      .expect(200);
    let task: request.Response;
    for (let attempt = 0; ; attempt++) {
      task = await api.get('/review-tasks/bank-a/HOST-1').set('Authorization', tokens.alice);
      if (task.status === 200) break;
      if (attempt > 100) throw new Error(`never reached review: ${task.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // 5,000.00 is far below the default threshold of 500,000.00: two approvers only by the host's policy.
    expect(task.body.review.approvalsRequired).toBe(2);
    // Links follow the host's mount: no /v1 here.
    expect(task.body.links.self).toBe('/review-tasks/bank-a/HOST-1');
  });
});
