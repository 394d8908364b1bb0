import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { SkipThrottle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import request from 'supertest';
import { AuthModule } from '#api/auth/auth.module';
import { Public } from '#api/auth/decorators';
import { signDevToken } from '#api/auth/dev-token';
import { LendbridgeEndpoint } from '#api/lendbridge-endpoint.decorator';
import { LendbridgeModule } from '#api/lendbridge.module';
import { RequestShapeGuard } from '#api/problem/request-shape.guard';
import { RateLimitGuard, rateLimitProviders } from '#api/rate-limit/rate-limit.guard';
import { ConfigModule } from '#config';
import { testConfig, TEST_JWT_SECRET } from '#test-support/config';

const LIMIT = 3;

@LendbridgeEndpoint()
@Controller('limited')
class LimitedController {
  @Get()
  hello(): { ok: true } {
    return { ok: true };
  }

  @Get('other')
  other(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('probe')
  @Public()
  @SkipThrottle()
  probe(): { ok: true } {
    return { ok: true };
  }
}

/** A host application's own controller, served beside lendbridge's: not lendbridge's to throttle. */
@Controller('host')
class HostController {
  @Get()
  hello(): { ok: true } {
    return { ok: true };
  }
}

describe('the per-client rate limit', () => {
  let app: INestApplication;
  const bearer = async (sub: string, tenant = 'bank-a') =>
    `Bearer ${await signDevToken(TEST_JWT_SECRET, { sub, roles: ['loan-system'], tenant })}`;

  beforeEach(async () => {
    const config = testConfig({
      LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
      LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
      API_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), AuthModule],
      controllers: [LimitedController, HostController],
      providers: [...rateLimitProviders(), RateLimitGuard, RequestShapeGuard],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app?.close();
  });

  it('answers 429 problem+json with Retry-After once a principal spends its budget, across routes', async () => {
    const http = request(app.getHttpServer());
    const alice = await bearer('alice-los');
    await http.get('/limited').set('Authorization', alice).expect(200);
    await http.get('/limited/other').set('Authorization', alice).expect(200);
    await http.get('/limited').set('Authorization', alice).expect(200);
    const refused = await http.get('/limited/other').set('Authorization', alice).expect(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      status: 429,
      type: 'urn:lendbridge:problem:rate-limited',
      detail: `more than ${LIMIT} requests a minute`,
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('gives each principal its own budget, though all come from one address', async () => {
    const http = request(app.getHttpServer());
    const [alice, bob] = [await bearer('alice-los'), await bearer('bob-los')];
    for (let i = 0; i < LIMIT; i++) await http.get('/limited').set('Authorization', alice).expect(200);
    await http.get('/limited').set('Authorization', alice).expect(429);
    await http.get('/limited').set('Authorization', bob).expect(200);
    // Anonymous callers of that address have a budget of their own too.
    await http.get('/limited/open').expect(200);
  });

  it('gives two banks’ loan systems that chose the same client id a budget each', async () => {
    const http = request(app.getHttpServer());
    const [bankA, bankB] = [await bearer('los', 'bank-a'), await bearer('los', 'bank-b')];
    for (let i = 0; i < LIMIT; i++) await http.get('/limited').set('Authorization', bankA).expect(200);
    await http.get('/limited').set('Authorization', bankA).expect(429);
    await http.get('/limited').set('Authorization', bankB).expect(200);
  });

  it('counts anonymous requests by address, and spares exempt routes and the host’s own', async () => {
    const http = request(app.getHttpServer());
    for (let i = 0; i < LIMIT; i++) await http.get('/limited/open').expect(200);
    const refused = await http.get('/limited/open').expect(429);
    expect(refused.body).toMatchObject({ status: 429, type: 'urn:lendbridge:problem:rate-limited' });
    await http.get('/limited/probe').expect(200);
    for (let i = 0; i < LIMIT + 2; i++) await http.get('/host').expect(200);
  });

  it('spends nothing on requests refused for want of a valid token', async () => {
    const http = request(app.getHttpServer());
    for (let i = 0; i < LIMIT + 2; i++) await http.get('/limited').expect(401);
    for (let i = 0; i < LIMIT; i++) await http.get('/limited/open').expect(200);
  });

  it('is not installed app-wide by LendbridgeModule: no APP_GUARD, no global throttler module', () => {
    const module = LendbridgeModule.forRootAsync({ useFactory: () => ({ config: testConfig({}) }) });
    const provided = (module.providers ?? []).map((p) => (typeof p === 'object' && 'provide' in p ? p.provide : p));
    expect(provided).not.toContain(APP_GUARD);
    for (const imported of module.imports ?? []) {
      expect((imported as { global?: boolean }).global ?? false).toBe(false);
    }
  });
});

/** A host's own throttled controller, with a limit of its own (2), beside lendbridge's (3). */
@Controller('host-throttled')
@UseGuards(ThrottlerGuard)
class HostThrottledController {
  @Get()
  hello(): { ok: true } {
    return { ok: true };
  }
}

/** The host's feature module: it relies on the throttler the host set up once, at its root. */
@Module({ controllers: [HostThrottledController] })
class HostFeatureModule {}
const hostThrottler = ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: 2 }] });

describe('the rate limit beside a host that throttles its own routes', () => {
  // The library's ThrottlerModule is @Global: had lendbridge imported it, whichever module came
  // first would have set the limit for both. Both orders, each side keeps its own.
  it.each([['lendbridge first'], ['host first']])('keeps both limits apart (%s)', async (order) => {
    const config = testConfig({
      LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
      LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
      API_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
    @Module({
      imports: [ConfigModule.forRoot(config), AuthModule],
      controllers: [LimitedController],
      providers: [...rateLimitProviders(), RateLimitGuard, RequestShapeGuard],
    })
    class LendbridgeSide {}
    const imports =
      order === 'host first'
        ? [hostThrottler, HostFeatureModule, LendbridgeSide]
        : [LendbridgeSide, hostThrottler, HostFeatureModule];
    const moduleRef = await Test.createTestingModule({ imports }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const http = request(app.getHttpServer());
      const host = [];
      for (let i = 0; i < 4; i++) host.push((await http.get('/host-throttled')).status);
      expect(host).toEqual([200, 200, 429, 429]);
      const ours = [];
      for (let i = 0; i < LIMIT + 1; i++) ours.push((await http.get('/limited/open')).status);
      expect(ours).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    } finally {
      await app.close();
    }
  });
});
