import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  type INestApplication,
  Param,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { Logger, PinoLogger } from 'nestjs-pino';
import request from 'supertest';
import { IS_PUBLIC_KEY } from '#api/auth/decorators';
import {
  annotateRequest,
  MetricsController,
  MetricsService,
  ObservabilityModule,
  resolveRequestId,
} from '#api/observability/index';
import { ConfigModule } from '#config';
import { testConfig } from '#test-support/config';

// Lines the test app logs, one JSON document each.
const written: string[] = [];
const destination = { write: (line: string): void => void written.push(line) };

const SENTINEL_BODY = 'sentinel-body-Zq81';
const SENTINEL_TOKEN = 'sentinel-token-Xk42';
const SENTINEL_QUERY = 'sentinel-query-Pw67';

@Controller('applications')
class DummyController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get(':applicationId')
  read(@Param('applicationId') applicationId: string, @Query('name') _name: string, @Req() req: Request): object {
    if (applicationId === 'missing') throw new NotFoundException();
    annotateRequest(req, { workflowId: `loan-application-${applicationId}` });
    return { applicationId };
  }

  @Post()
  create(@Body() body: { applicant: string }): object {
    this.metrics.recordWorkflowStart('started');
    // Echoed back so the test also proves response bodies stay out of the log.
    return { received: body.applicant };
  }

  @Post(':applicationId/consent')
  consent(): never {
    this.metrics.recordUpdate('grantConsent', 'rejected');
    throw new ServiceUnavailableException('Temporal unreachable');
  }
}

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; path: string; userAgent?: string };
  res?: { statusCode: number };
  route?: string;
  workflowId?: string;
  durationMs?: number;
}

let app: INestApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(
        testConfig({
          LOG_LEVEL: 'info',
          LEDGER_REGISTRY_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
          LEDGER_EVIDENCE_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
        }),
      ),
      ObservabilityModule.forRoot({ destination }),
    ],
    controllers: [DummyController],
  }).compile();
  app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(Logger));
  // As the API serves it: versioned routes under /v1, operational ones at the root.
  app.setGlobalPrefix('v1', { exclude: ['metrics'] });
  await app.init();
});

afterAll(async () => {
  await app.close();
});

/** Completion lines of requests with this id (polled: pino writes when the response finishes). */
async function completionLine(reqId: string): Promise<{ raw: string; line: LogLine }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const raw = written.find((text) => {
      const line = JSON.parse(text) as LogLine;
      return line.reqId === reqId && line.res !== undefined;
    });
    if (raw) return { raw, line: JSON.parse(raw) as LogLine };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no completion line for ${reqId}`);
}

async function scrape(): Promise<string> {
  const response = await request(app.getHttpServer()).get('/metrics').expect(200);
  return response.text;
}

describe('metrics', () => {
  it('labels a request with its route template, never the raw id', async () => {
    await request(app.getHttpServer()).get('/v1/applications/app-7731').expect(200);
    const text = await scrape();
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/v1\/applications\/:applicationId",status="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/v1\/applications\/:applicationId",status="200"\} 1$/m,
    );
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0.005",/m);
    expect(text).not.toContain('app-7731');
  });

  it('counts requests no route matched as "unmatched"', async () => {
    await request(app.getHttpServer()).get('/v1/no-such-thing/42').expect(404);
    // A method the excluded /metrics route lacks is also Nest's not-found answer.
    await request(app.getHttpServer()).post('/metrics').expect(404);
    const text = await scrape();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="unmatched",status="404"\} 1$/m);
    expect(text).not.toContain('no-such-thing');
  });

  it('keeps the route template on a 404 a handler answers', async () => {
    await request(app.getHttpServer()).get('/v1/applications/missing').expect(404);
    expect(await scrape()).toMatch(
      /^http_requests_total\{method="GET",route="\/v1\/applications\/:applicationId",status="404"\} 1$/m,
    );
  });

  it('counts failed requests with their status', async () => {
    await request(app.getHttpServer()).post('/v1/applications/app-1/consent').expect(503);
    const text = await scrape();
    expect(text).toMatch(
      /^http_requests_total\{method="POST",route="\/v1\/applications\/:applicationId\/consent",status="503"\} 1$/m,
    );
    expect(text).toMatch(/^lendbridge_workflow_updates_total\{update="grantConsent",outcome="rejected"\} 1$/m);
  });

  it('exports workflow starts by outcome, zeroes included', async () => {
    await request(app.getHttpServer()).post('/v1/applications').send({ applicant: 'x' }).expect(201);
    const text = await scrape();
    expect(text).toMatch(/^lendbridge_workflow_starts_total\{outcome="started"\} 1$/m);
    expect(text).toMatch(/^lendbridge_workflow_starts_total\{outcome="conflict"\} 0$/m);
  });

  it('serves the Prometheus text format at /metrics, with process metrics, publicly', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
    // The app's auth guard reads this marker; read off the descriptor so the method is not unbound.
    const handler = Object.getOwnPropertyDescriptor(MetricsController.prototype, 'scrape')?.value as () => unknown;
    expect(app.get(Reflector).get(IS_PUBLIC_KEY, handler)).toBe(true);
  });

  it('keeps each service’s metrics in its own registry', async () => {
    const other = new MetricsService();
    other.recordUpdate('claimReview', 'accepted');
    other.recordUpdate('claimReview', 'accepted');
    other.recordUpdate('claimReview', 'not-found');
    const text = await other.render();
    expect(text).toMatch(/^lendbridge_workflow_updates_total\{update="claimReview",outcome="accepted"\} 2$/m);
    expect(text).toMatch(/^lendbridge_workflow_updates_total\{update="claimReview",outcome="not-found"\} 1$/m);
    expect(text).not.toContain('grantConsent');
    expect(await app.get(MetricsService).render()).not.toContain('claimReview');
    other.onModuleDestroy();
  });
});

describe('request logs', () => {
  it('logs one JSON line per request: id, method, path without query, route, status, duration', async () => {
    const response = await request(app.getHttpServer())
      .get(`/v1/applications/app-9?name=${SENTINEL_QUERY}`)
      .set('Authorization', `Bearer ${SENTINEL_TOKEN}`)
      .set('Cookie', `session=${SENTINEL_TOKEN}`)
      .set('User-Agent', 'loan-system/1.0')
      .expect(200);
    const reqId = response.headers['x-request-id'] as string;
    expect(reqId).toMatch(/^[0-9a-f-]{36}$/);

    const { raw, line } = await completionLine(reqId);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      reqId,
      req: { method: 'GET', path: '/v1/applications/app-9', userAgent: 'loan-system/1.0' },
      res: { statusCode: 200 },
      route: '/v1/applications/:applicationId',
      workflowId: 'loan-application-app-9',
    });
    expect(typeof line.durationMs).toBe('number');
    expect(raw).not.toContain(SENTINEL_QUERY);
    expect(raw).not.toContain(SENTINEL_TOKEN);
    expect(raw).not.toMatch(/authorization|cookie/i);
    // The route and workflow id are bound once, not once per customProps call.
    expect(raw.match(/"route":/g)).toHaveLength(1);
  });

  it('never logs request or response bodies', async () => {
    const response = await request(app.getHttpServer())
      .post('/v1/applications')
      .send({ applicant: SENTINEL_BODY })
      .expect(201);
    expect(response.body).toEqual({ received: SENTINEL_BODY });
    await completionLine(response.headers['x-request-id'] as string);
    expect(written.join('')).not.toContain(SENTINEL_BODY);
  });

  it('echoes a well-formed incoming x-request-id and replaces a malformed one', async () => {
    const good = await request(app.getHttpServer())
      .get('/v1/applications/a')
      .set('X-Request-Id', 'lb-2024.01_abc')
      .expect(200);
    expect(good.headers['x-request-id']).toBe('lb-2024.01_abc');
    expect((await completionLine('lb-2024.01_abc')).line.reqId).toBe('lb-2024.01_abc');

    const forged = 'abc\\"},"level":60,"x":"';
    const bad = await request(app.getHttpServer()).get('/v1/applications/a').set('X-Request-Id', forged).expect(200);
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(written.join('')).not.toContain(forged);
  });

  it('logs 404s as unmatched and failures at error level', async () => {
    const missing = await request(app.getHttpServer()).get('/v1/nowhere?token=abc').expect(404);
    const notFound = (await completionLine(missing.headers['x-request-id'] as string)).line;
    expect(notFound).toMatchObject({ level: 40, route: 'unmatched', req: { path: '/v1/nowhere' } });

    const failed = await request(app.getHttpServer()).post('/v1/applications/app-2/consent').expect(503);
    const line = (await completionLine(failed.headers['x-request-id'] as string)).line;
    expect(line).toMatchObject({ level: 50, res: { statusCode: 503 } });
  });

  it('redacts credentials that application code logs by hand', async () => {
    const before = written.length;
    (await app.resolve(PinoLogger)).info(
      { headers: { authorization: `Bearer ${SENTINEL_TOKEN}`, cookie: SENTINEL_TOKEN } },
      'x',
    );
    const raw = written.slice(before).join('');
    expect(raw).toContain('[REDACTED]');
    expect(raw).not.toContain(SENTINEL_TOKEN);
  });
});

describe('resolveRequestId', () => {
  it('accepts only short ids of safe characters', () => {
    expect(resolveRequestId('Abc-1.2_3')).toBe('Abc-1.2_3');
    expect(resolveRequestId('a'.repeat(64))).toBe('a'.repeat(64));
    for (const bad of ['a'.repeat(65), '', 'a b', 'a,b', 'a\nb', 'ü', undefined, ['a', 'b']]) {
      expect(resolveRequestId(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
