import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '#api/auth/auth.module';
import { Public } from '#api/auth/decorators';
import { LendbridgeEndpoint } from '#api/lendbridge-endpoint.decorator';
import { RequestShapeGuard } from '#api/problem/request-shape.guard';
import { RateLimitGuard, SkipRateLimit } from '#api/rate-limit/rate-limit.guard';
import { ConfigModule } from '#config';
import { testConfig } from '#test-support/config';

@LendbridgeEndpoint()
@Public()
@Controller('limited')
class LimitedController {
  @Get()
  hello(): { ok: true } {
    return { ok: true };
  }

  @Get('probe')
  @SkipRateLimit()
  probe(): { ok: true } {
    return { ok: true };
  }
}

describe('the per-client rate limit', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const config = testConfig({
      LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
      LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
      API_RATE_LIMIT_PER_MINUTE: '3',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), AuthModule],
      controllers: [LimitedController],
      providers: [RateLimitGuard, RequestShapeGuard],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 problem+json with Retry-After once a client spends its budget, and spares exempt routes', async () => {
    const http = request(app.getHttpServer());
    for (let i = 0; i < 3; i++) await http.get('/limited').expect(200);
    const refused = await http.get('/limited').expect(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, type: 'urn:lendbridge:problem:rate-limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    await http.get('/limited/probe').expect(200);
  });
});
