import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthGuard } from '#api/auth/auth.guard';
import { AuthModule } from '#api/auth/auth.module';
import { CurrentPrincipal, Public, RequireRoles } from '#api/auth/decorators';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { Role, type Principal } from '#api/auth/principal';
import { ConfigModule } from '#config';
import { TEST_JWT_SECRET } from '#test-support/config';
import { authConfig } from './auth-config.js';

@Controller('probe')
class ProbeController {
  @Public()
  @Get('open')
  open(): { open: true } {
    return { open: true };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @RequireRoles(Role.REVIEWER, Role.SENIOR_REVIEWER)
  @Get('review')
  review(@CurrentPrincipal() principal: Principal): { reviewer: string } {
    return { reviewer: principal.subject };
  }
}

/** Roles on the controller apply to every route; a route's own decorators replace them. */
@RequireRoles(Role.OPS)
@Controller('ops')
class OpsController {
  @Get()
  status(): { ok: true } {
    return { ok: true };
  }

  @Public()
  @Get('ping')
  ping(): { pong: true } {
    return { pong: true };
  }

  @RequireRoles(Role.LOAN_SYSTEM)
  @Get('tenant')
  tenant(@CurrentPrincipal() principal: Principal): { tenant?: string } {
    return { tenant: principal.tenant };
  }
}

describe('AuthGuard over HTTP', () => {
  let app: INestApplication;
  const token = (claims: DevTokenClaims): Promise<string> => signDevToken(TEST_JWT_SECRET, claims);
  const alice = (): Promise<string> =>
    token({ sub: 'alice', roles: [Role.REVIEWER], jurisdictions: ['HK'], tenants: ['bank-a'] });
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(authConfig()), AuthModule],
      // lendbridge's controllers take the guard through LendbridgeEndpoint(); here, for every route.
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
      controllers: [ProbeController, OpsController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves @Public routes without a token', async () => {
    await http().get('/probe/open').expect(200, { open: true });
    await http().get('/ops/ping').expect(200, { pong: true });
  });

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const response = await http().get('/probe/me').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="lendbridge"');
    expect(response.body.message).toContain('bearer token is required');
  });

  it('answers 401 invalid_request for a header that is not a bearer token', async () => {
    for (const header of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer a b']) {
      const response = await http().get('/probe/me').set('Authorization', header).expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="lendbridge", error="invalid_request"');
    }
  });

  it('answers 401 invalid_token for a token that fails verification', async () => {
    const forged = await signDevToken('not-the-api-secret-not-the-api-secret', { sub: 'mallory', roles: [Role.OPS] });
    const response = await http().get('/probe/me').set('Authorization', `Bearer ${forged}`).expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="lendbridge", error="invalid_token"');
    expect(response.body.message).toBe('invalid bearer token: token signature is invalid');
  });

  it('gives the handler the principal through @CurrentPrincipal', async () => {
    const response = await http()
      .get('/probe/me')
      .set('Authorization', `Bearer ${await alice()}`)
      .expect(200);
    expect(response.body).toEqual({
      subject: 'alice',
      roles: ['reviewer'],
      jurisdictions: ['HK'],
      tenants: ['bank-a'],
    });
  });

  it('accepts the scheme name in any case', async () => {
    await http()
      .get('/probe/me')
      .set('Authorization', `bearer ${await alice()}`)
      .expect(200);
  });

  it('lets a reviewer through @RequireRoles and turns others away with 403 naming the roles', async () => {
    await http()
      .get('/probe/review')
      .set('Authorization', `Bearer ${await alice()}`)
      .expect(200, { reviewer: 'alice' });

    const ops = await token({ sub: 'olga', roles: [Role.OPS] });
    const response = await http().get('/probe/review').set('Authorization', `Bearer ${ops}`).expect(403);
    expect(response.body.message).toBe('this needs one of the roles: reviewer, senior-reviewer');
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('applies controller roles, overridden by a route’s own', async () => {
    const ops = await token({ sub: 'olga', roles: [Role.OPS] });
    const los = await token({ sub: 'los-bank-a', roles: [Role.LOAN_SYSTEM], tenant: 'bank-a' });
    await http().get('/ops').set('Authorization', `Bearer ${ops}`).expect(200);
    await http().get('/ops').set('Authorization', `Bearer ${los}`).expect(403);
    await http().get('/ops/tenant').set('Authorization', `Bearer ${los}`).expect(200, { tenant: 'bank-a' });
    await http().get('/ops/tenant').set('Authorization', `Bearer ${ops}`).expect(403);
  });
});
