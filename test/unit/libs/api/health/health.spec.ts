import { type INestApplication } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { Connection } from '@temporalio/client';
import request from 'supertest';
import { AuthModule } from '#api/auth/auth.module';
import { signDevToken } from '#api/auth/dev-token';
import { HealthController } from '#api/health/health.controller';
import { HealthService } from '#api/health/health.service';
import { LedgerHealthIndicator } from '#api/health/ledger.health';
import { TemporalHealthIndicator } from '#api/health/temporal.health';
import { RequestShapeGuard } from '#api/problem/request-shape.guard';
import { RateLimitGuard, rateLimitProviders } from '#api/rate-limit/rate-limit.guard';
import { ConfigModule } from '#config';
import { LedgerClient, type LedgerReachability } from '#ledger';
import { testConfig, TEST_JWT_SECRET } from '#test-support/config';

// The readiness contract with the dependencies replaced: the real ones (a stopped Temporal server,
// a stopped anvil) are in test/integration/ledger-probe.e2e.spec.ts, which cannot stop Temporal
// under its own worker.
describe('health checks', () => {
  let app: INestApplication;
  let temporalUp: boolean;
  let ledger: LedgerReachability;
  let describeCalls: number;

  const connection = {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    workflowService: {
      describeNamespace: async () => {
        describeCalls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (!temporalUp) throw new Error('14 UNAVAILABLE: connection refused');
        return {};
      },
    },
  };

  beforeEach(async () => {
    [temporalUp, describeCalls] = [true, 0];
    ledger = { status: 'up', chainId: '31337', blockNumber: 7 };
    const config = testConfig({
      LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
      LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), AuthModule, TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: Connection, useValue: connection },
        { provide: LedgerClient, useValue: { checkReachability: () => Promise.resolve(ledger) } },
        TemporalHealthIndicator,
        LedgerHealthIndicator,
        HealthService,
        ...rateLimitProviders(),
        RateLimitGuard,
        RequestShapeGuard,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app?.close();
  });

  it('answers 200 while Temporal and the ledger are up, with the details for ops only', async () => {
    const http = request(app.getHttpServer());
    const open = await http.get('/health').expect(200);
    expect(open.body).toEqual({ status: 'up', checks: { temporal: 'up', ledger: 'up' } });
    await http.get('/health/details').expect(401);
    const ops = `Bearer ${await signDevToken(TEST_JWT_SECRET, { sub: 'ops-1', roles: ['ops'] })}`;
    const details = await http.get('/health/details').set('Authorization', ops).expect(200);
    expect(details.body).toMatchObject({
      status: 'up',
      checks: {
        temporal: { status: 'up', address: '127.0.0.1:7233', namespace: 'default' },
        ledger: { status: 'up', chainId: '31337', blockNumber: 7 },
      },
    });
  });

  it('answers 503 with Retry-After while Temporal is unreachable, and says why to ops', async () => {
    temporalUp = false;
    const http = request(app.getHttpServer());
    const open = await http.get('/health').expect(503);
    expect(open.headers['retry-after']).toBe('5');
    expect(open.body).toEqual({ status: 'down', checks: { temporal: 'down', ledger: 'up' } });
    const ops = `Bearer ${await signDevToken(TEST_JWT_SECRET, { sub: 'ops-1', roles: ['ops'] })}`;
    const details = await http.get('/health/details').set('Authorization', ops).expect(503);
    expect(details.body.checks.temporal).toMatchObject({
      status: 'down',
      message: 'Temporal at 127.0.0.1:7233: 14 UNAVAILABLE: connection refused',
    });
  });

  it('stays ready while the ledger is unreachable, showing it down', async () => {
    ledger = { status: 'down', reason: 'ledger at http://127.0.0.1:8545: connection refused' };
    const open = await request(app.getHttpServer()).get('/health').expect(200);
    expect(open.body).toEqual({ status: 'up', checks: { temporal: 'up', ledger: 'down' } });
  });

  it('probes once for many callers, and reuses the result for a while', async () => {
    const http = request(app.getHttpServer());
    await Promise.all(Array.from({ length: 5 }, () => http.get('/health').expect(200)));
    await http.get('/health').expect(200);
    expect(describeCalls).toBe(1);
  });

  it('answers liveness without asking any dependency', async () => {
    temporalUp = false;
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'up' });
    expect(describeCalls).toBe(0);
  });
});
