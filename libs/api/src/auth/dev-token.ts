import { SignJWT } from 'jose';
import { type Role } from './principal.js';

export interface DevTokenClaims {
  sub: string;
  roles: readonly Role[];
  tenant?: string;
  tenants?: readonly string[];
  jurisdictions?: readonly string[];
}

export interface DevTokenOptions {
  /** Defaults to 'lendbridge-dev', the API's default AUTH_ISSUER. */
  issuer?: string;
  /** Defaults to 'lendbridge', the API's default AUTH_AUDIENCE. */
  audience?: string;
  /** A span such as '15m', '8h' or '2d' (jose's time-span syntax); defaults to '1h'. */
  expiresIn?: string;
}

export const DEV_TOKEN_DEFAULTS = { issuer: 'lendbridge-dev', audience: 'lendbridge', expiresIn: '1h' } as const;

/**
 * Signs an HS256 token with the shared development secret, carrying exactly the claims the API's
 * TokenVerifier reads. It does not check the claims: tests use it to build tokens the API refuses.
 */
export async function signDevToken(
  secret: string,
  claims: DevTokenClaims,
  options: DevTokenOptions = {},
): Promise<string> {
  const payload: Record<string, unknown> = { roles: [...claims.roles] };
  if (claims.tenant !== undefined) payload.tenant = claims.tenant;
  if (claims.tenants !== undefined) payload.tenants = [...claims.tenants];
  if (claims.jurisdictions !== undefined) payload.jurisdictions = [...claims.jurisdictions];
  return await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer ?? DEV_TOKEN_DEFAULTS.issuer)
    .setAudience(options.audience ?? DEV_TOKEN_DEFAULTS.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? DEV_TOKEN_DEFAULTS.expiresIn)
    .sign(new TextEncoder().encode(secret));
}
