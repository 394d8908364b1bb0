import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { signDevToken } from '#api/auth/dev-token';
import { Role } from '#api/auth/principal';
import { TokenVerifier } from '#api/auth/token-verifier';
import { ConfigurationError } from '#config';
import { TEST_JWT_SECRET } from '#test-support/config';
import { authConfig } from './auth-config.js';

const ISSUER = 'lendbridge-dev';
const AUDIENCE = 'lendbridge';
const now = (): number => Math.floor(Date.now() / 1000);

/** Signs arbitrary claims with the test secret, for tokens signDevToken would not shape. */
async function signRaw(claims: Record<string, unknown>, alg = 'HS256', secret = TEST_JWT_SECRET): Promise<string> {
  return await new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

const base = (): Record<string, unknown> => ({ iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600 });

async function refusal(verifier: TokenVerifier, token: string): Promise<string> {
  const error: unknown = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedException);
  return (error as UnauthorizedException).message;
}

describe('TokenVerifier with the HS256 secret', () => {
  const verifier = new TokenVerifier(authConfig());

  it('turns a reviewer token into a principal, with the tenants it serves', async () => {
    const token = await signDevToken(TEST_JWT_SECRET, {
      sub: 'alice',
      roles: [Role.REVIEWER, Role.SENIOR_REVIEWER],
      jurisdictions: ['HK', 'CN'],
      tenants: ['bank-a', 'bank-c'],
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'alice',
      roles: ['reviewer', 'senior-reviewer'],
      jurisdictions: ['HK', 'CN'],
      tenants: ['bank-a', 'bank-c'],
    });
  });

  it.each([
    ['case', 'Alice', 'alice'],
    ['outer white space', '  alice  ', 'alice'],
    ['inner white space runs', 'alice   smith', 'alice smith'],
    ['full-width letters', 'ａｌｉｃｅ', 'alice'],
    ['compatibility ligatures', 'ﬁona', 'fiona'],
    ['a loan system client id', 'LOS-BANK-A', 'los-bank-a'],
  ])('folds the subject to one canonical identity per person (%s)', async (_name, sub, subject) => {
    const token = await signDevToken(TEST_JWT_SECRET, { sub, roles: [Role.OPS] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject });
  });

  it('keeps a loan system tenant and gives it no jurisdictions', async () => {
    const token = await signDevToken(TEST_JWT_SECRET, {
      sub: 'los-bank-a',
      roles: [Role.LOAN_SYSTEM],
      tenant: 'bank-a',
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'los-bank-a',
      roles: ['loan-system'],
      tenant: 'bank-a',
      tenants: ['bank-a'],
      jurisdictions: [],
    });
  });

  it('drops roles it does not know, and duplicates', async () => {
    const token = await signRaw({ ...base(), sub: 'olga', roles: ['ops', 'billing-admin', 'ops'] });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'olga',
      roles: ['ops'],
      jurisdictions: [],
      tenants: [],
    });
  });

  it('forgives a little clock skew on expiry', async () => {
    const token = await signRaw({ ...base(), exp: now() - 5, sub: 'olga', roles: ['ops'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'olga' });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signDevToken('another-secret-another-secret-another-secret', { sub: 'olga', roles: ['ops'] });
    expect(await refusal(verifier, token)).toBe('invalid bearer token: token signature is invalid');
  });

  it('refuses an expired token', async () => {
    const token = await signRaw({ ...base(), iat: now() - 3600, exp: now() - 120, sub: 'olga', roles: ['ops'] });
    expect(await refusal(verifier, token)).toBe('invalid bearer token: token has expired');
  });

  it('refuses a token without an expiry', async () => {
    const { exp: _exp, ...claims } = base();
    expect(await refusal(verifier, await signRaw({ ...claims, sub: 'olga', roles: ['ops'] }))).toContain('exp');
  });

  it('refuses another audience or issuer without naming the expected ones', async () => {
    const claims = { sub: 'olga', roles: [Role.OPS] };
    for (const options of [{ audience: 'someone-else' }, { issuer: 'evil-idp' }]) {
      const message = await refusal(verifier, await signDevToken(TEST_JWT_SECRET, claims, options));
      expect(message).toBe('invalid bearer token: token issuer or audience is not accepted');
      expect(message).not.toContain(AUDIENCE);
    }
  });

  it('refuses alg none and HMAC variants other than HS256', async () => {
    const encode = (value: object): string => base64url.encode(JSON.stringify(value));
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...base(), sub: 'olga', roles: ['ops'] })}.`;
    expect(await refusal(verifier, unsigned)).toBe('invalid bearer token: token algorithm is not accepted');
    const hs384 = await signRaw({ ...base(), sub: 'olga', roles: ['ops'] }, 'HS384');
    expect(await refusal(verifier, hs384)).toBe('invalid bearer token: token algorithm is not accepted');
  });

  it('refuses what is not a JWT at all', async () => {
    for (const token of ['', 'not-a-token', 'a.b.c', 'x'.repeat(10_000)]) {
      expect(await refusal(verifier, token)).toBe('invalid bearer token: token is malformed');
    }
  });

  it.each([
    ['no sub', { roles: ['ops'] }, 'sub'],
    ['an empty sub', { sub: '', roles: ['ops'] }, 'sub'],
    ['no roles', { sub: 'olga' }, 'roles'],
    ['empty roles', { sub: 'olga', roles: [] }, 'roles'],
    ['roles as a string', { sub: 'olga', roles: 'ops' }, 'roles'],
    ['only unknown roles', { sub: 'olga', roles: ['admin'] }, 'no role this service recognises'],
    ['a loan system without tenant', { sub: 'los', roles: ['loan-system'] }, 'tenant'],
    ['a malformed tenant', { sub: 'los', roles: ['loan-system'], tenant: 'bank a/../b' }, 'tenant'],
    ['a subject with a NUL', { sub: 'ali\u0000ce', roles: ['ops'] }, 'sub'],
    ['a subject with a new line', { sub: 'alice\nbob', roles: ['ops'] }, 'sub'],
    ['a subject with a zero-width space', { sub: 'ali\u200bce', roles: ['ops'] }, 'sub'],
    ['a subject with a right-to-left mark', { sub: '\u200ealice', roles: ['ops'] }, 'sub'],
    ['a subject of white space only', { sub: '   ', roles: ['ops'] }, 'sub'],
    ['a subject too long', { sub: 'a'.repeat(257), roles: ['ops'] }, 'sub'],
    ['a reviewer without tenants', { sub: 'alice', roles: ['reviewer'], jurisdictions: ['HK'] }, 'tenants'],
    ['tenants as a string', { sub: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: 'bank-a' }, 'tenants'],
    ['a malformed tenant in tenants', { sub: 'olga', roles: ['ops'], tenants: ['..'] }, 'tenants'],
    [
      'a loan system listing other tenants',
      { sub: 'los', roles: ['loan-system'], tenant: 'a', tenants: ['b'] },
      'tenant',
    ],
    ['a reviewer without jurisdictions', { sub: 'alice', roles: ['reviewer'] }, 'jurisdiction'],
    ['a reviewer with empty jurisdictions', { sub: 'alice', roles: ['reviewer'], jurisdictions: [] }, 'jurisdiction'],
    ['a senior reviewer without jurisdictions', { sub: 'carol', roles: ['senior-reviewer'] }, 'jurisdiction'],
    ['lower-case jurisdictions', { sub: 'alice', roles: ['reviewer'], jurisdictions: ['hk'] }, 'jurisdictions'],
    ['jurisdictions as a string', { sub: 'alice', roles: ['reviewer'], jurisdictions: 'HK' }, 'jurisdictions'],
    [
      'a supervisor who is ops too',
      { sub: 'sofia', roles: ['supervisor', 'ops'] },
      'supervisor tokens carry no other role',
    ],
    [
      'a supervisor who is a loan system too',
      { sub: 'sofia', roles: ['loan-system', 'supervisor'], tenant: 'bank-a' },
      'supervisor tokens carry no other role',
    ],
  ])('refuses a token with %s', async (_name, claims, reason) => {
    const message = await refusal(verifier, await signRaw({ ...base(), ...claims }));
    expect(message).toMatch(/^invalid bearer token: /);
    expect(message).toContain(reason);
  });

  it('refuses to start without any key source, or with a JWKS over plain http', () => {
    expect(() => new TokenVerifier(authConfig({ AUTH_JWT_SECRET: undefined }))).toThrow(ConfigurationError);
    expect(
      () => new TokenVerifier(authConfig({ AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'http://idp.example.com/jwks' })),
    ).toThrow(ConfigurationError);
  });
});

describe('TokenVerifier with a JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let rsa: { privateKey: CryptoKey; kid: string };
  let ec: { privateKey: CryptoKey; kid: string };
  let jwksOnly: TokenVerifier;
  let fetches = 0;

  async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  async function signAsymmetric(
    key: { privateKey: CryptoKey; kid: string },
    alg: 'RS256' | 'ES256',
    claims: Record<string, unknown> = {
      sub: 'carol',
      roles: ['senior-reviewer'],
      jurisdictions: ['HK'],
      tenants: ['bank-a'],
    },
  ): Promise<string> {
    return await new SignJWT({ ...base(), ...claims })
      .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  beforeAll(async () => {
    const rsaPair = await keyPair('RS256', 'rsa-1');
    const ecPair = await keyPair('ES256', 'ec-1');
    rsa = { privateKey: rsaPair.privateKey, kid: 'rsa-1' };
    ec = { privateKey: ecPair.privateKey, kid: 'ec-1' };
    const body = JSON.stringify({ keys: [rsaPair.jwk, ecPair.jwk] });
    server = createServer((_request, response) => {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    jwksOnly = new TokenVerifier(authConfig({ AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: jwksUrl }));
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('verifies RS256 and ES256 tokens against the served keys, fetching the set once', async () => {
    const expected = { subject: 'carol', roles: ['senior-reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };
    await expect(jwksOnly.verify(await signAsymmetric(rsa, 'RS256'))).resolves.toEqual(expected);
    await expect(jwksOnly.verify(await signAsymmetric(ec, 'ES256'))).resolves.toEqual(expected);
    expect(fetches).toBe(1);
  });

  it('still applies the claim rules to JWKS tokens', async () => {
    const token = await signAsymmetric(rsa, 'RS256', { sub: 'los', roles: ['loan-system'] });
    expect(await refusal(jwksOnly, token)).toContain('tenant');
  });

  it('refuses an HS256 token when only the JWKS is configured', async () => {
    const token = await signDevToken(TEST_JWT_SECRET, { sub: 'olga', roles: [Role.OPS] });
    expect(await refusal(jwksOnly, token)).toBe('invalid bearer token: token algorithm is not accepted');
  });

  it('refuses a token whose kid the JWKS does not list', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await signAsymmetric({ privateKey: stranger.privateKey, kid: 'unknown-kid' }, 'RS256');
    expect(await refusal(jwksOnly, token)).toBe('invalid bearer token: token signing key is not known');
  });

  it('refuses a token signed by another key under a listed kid', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await signAsymmetric({ privateKey: stranger.privateKey, kid: rsa.kid }, 'RS256');
    expect(await refusal(jwksOnly, token)).toBe('invalid bearer token: token signature is invalid');
  });

  it('accepts both kinds when both the secret and the JWKS are configured', async () => {
    const both = new TokenVerifier(authConfig({ AUTH_JWKS_URL: jwksUrl }));
    await expect(both.verify(await signAsymmetric(rsa, 'RS256'))).resolves.toMatchObject({ subject: 'carol' });
    const hs = await signDevToken(TEST_JWT_SECRET, { sub: 'olga', roles: [Role.OPS] });
    await expect(both.verify(hs)).resolves.toMatchObject({ subject: 'olga' });
  });

  it('answers 503, not 401, when the JWKS cannot be fetched', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new TokenVerifier(
      authConfig({ AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks` }),
    );
    await expect(unreachable.verify(await signAsymmetric(rsa, 'RS256'))).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
  });
});
