import { Inject, Injectable, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { ConfigurationError, LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { canonicalIdentity } from '#domain';
import { isRole, JURISDICTION_PATTERN, REVIEWER_ROLES, Role, TENANT_PATTERN, type Principal } from './principal.js';

/** The only algorithm accepted with the shared secret. */
export const SECRET_ALGORITHMS = ['HS256'] as const;
/** The only algorithms accepted with keys from the JWKS. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Clock skew forgiven between the token issuer and this host, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/**
 * Tokens longer than this are refused before any parsing: real tokens are well under 2 KB, and a
 * cap keeps a hostile header from costing base64 and JSON work.
 */
export const MAX_TOKEN_LENGTH = 8192;

const MIN_SECRET_LENGTH = 32;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Signals that the JWKS could not be fetched: the service's problem, not the caller's token's. */
class KeySourceUnavailable extends Error {}

/**
 * Turns a compact JWT into a {@link Principal}, or refuses it with a 401 whose message says what
 * is wrong without echoing keys, expected values or library internals.
 *
 * The token header's `alg` picks the key source: HS256 uses the configured secret, RS256/ES256 the
 * configured JWKS. An algorithm whose key source is not configured is refused outright, so a
 * deployment with only a JWKS never accepts a token an HMAC secret could have forged.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;
  private readonly issuer: string;
  private readonly audience: string;

  constructor(@Inject(LENDBRIDGE_CONFIG) config: LendbridgeConfig) {
    const { jwtSecret, jwksUrl, issuer, audience } = config.auth;
    if (!jwtSecret && !jwksUrl) {
      // Failing here stops the API from ever serving requests without authentication.
      throw new ConfigurationError(['AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required (the API never runs open)']);
    }
    if (jwtSecret !== undefined) {
      if (jwtSecret.length < MIN_SECRET_LENGTH) {
        throw new ConfigurationError([`AUTH_JWT_SECRET: at least ${MIN_SECRET_LENGTH} characters`]);
      }
      this.secret = new TextEncoder().encode(jwtSecret);
    }
    if (jwksUrl !== undefined) this.jwks = guardedKeySet(remoteKeySetUrl(jwksUrl));
    this.issuer = issuer;
    this.audience = audience;
  }

  /** Verifies signature, issuer, audience, expiry and lendbridge's claims; resolves the caller. */
  async verify(token: string): Promise<Principal> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw refused('token is malformed');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw refused('token is malformed');
    }
    const checks: JWTVerifyOptions = {
      issuer: this.issuer,
      audience: this.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'sub'],
    };
    let payload: JWTPayload;
    try {
      if (this.secret && isOneOf(alg, SECRET_ALGORITHMS)) {
        ({ payload } = await jwtVerify(token, this.secret, { ...checks, algorithms: [...SECRET_ALGORITHMS] }));
      } else if (this.jwks && isOneOf(alg, JWKS_ALGORITHMS)) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...checks, algorithms: [...JWKS_ALGORITHMS] }));
      } else {
        // Covers `none`, algorithms we never accept, and ones whose key source is not configured.
        throw refused('token algorithm is not accepted');
      }
    } catch (error) {
      if (error instanceof UnauthorizedException) throw error;
      if (error instanceof KeySourceUnavailable) {
        this.logger.warn(`cannot fetch signing keys: ${error.message}`);
        // A 401 would tell clients to throw away a token that may be fine; 503 says "retry later".
        throw new ServiceUnavailableException('token signing keys are unavailable; try again later');
      }
      throw refused(joseReason(error));
    }
    return principalFromClaims(payload);
  }
}

/**
 * lendbridge's claim rules, applied after the signature and registered claims have been checked:
 *
 * - `sub`: a string naming one person: folded to its canonical identity (NFKC, white space
 *   trimmed and collapsed, lower case), which every rule comparing people uses; a subject with a
 *   control or invisible character, or empty or over 256 characters once folded, is refused.
 * - `roles`: a non-empty array of strings. Roles lendbridge does not know are dropped (an IdP
 *   shared with other services may list theirs in the same claim, and ignoring them never grants
 *   anything); at least one known role must remain. Duplicates are collapsed.
 * - `tenant`: when present, matches {@link TENANT_PATTERN}; required when the roles include
 *   `loan-system`, since every application is owned by a tenant.
 * - `tenants`: the banks a reviewer or ops person serves, each matching {@link TENANT_PATTERN};
 *   required and non-empty for reviewer roles. A loan system serves its own `tenant` only and
 *   may not carry `tenants`.
 * - `jurisdictions`: when present, an array of upper-case 2-3 letter codes; required and non-empty
 *   when the roles include `reviewer` or `senior-reviewer`. Absent means none.
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const { sub, roles, tenant, tenants, jurisdictions } = payload;
  const subject = typeof sub === 'string' && sub.length <= 1024 ? canonicalIdentity(sub) : undefined;
  if (subject === undefined) throw refused('token subject (sub) is missing or invalid');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => typeof role === 'string')) {
    throw refused('token roles claim must be a non-empty array of strings');
  }
  const known = [...new Set(roles.filter(isRole))];
  if (known.length === 0) throw refused('token carries no role this service recognises');
  // A supervisor sees counts, never an application: a role beside it would open applications to it.
  if (known.includes(Role.SUPERVISOR) && known.length > 1) throw refused('supervisor tokens carry no other role');

  const principal: Principal = { subject, roles: known, jurisdictions: [], tenants: [] };
  if (tenant !== undefined) {
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) throw refused('token tenant claim is invalid');
    principal.tenant = tenant;
  }
  if (known.includes(Role.LOAN_SYSTEM) && principal.tenant === undefined) {
    throw refused('loan-system tokens must carry a tenant claim');
  }
  if (tenants !== undefined) {
    // A loan system acts for its own bank only; a list of others would widen what it reaches.
    if (known.includes(Role.LOAN_SYSTEM)) throw refused('loan-system tokens name their bank in tenant, not tenants');
    if (!Array.isArray(tenants) || !tenants.every((value) => typeof value === 'string' && TENANT_PATTERN.test(value))) {
      throw refused('token tenants claim must be an array of tenant ids');
    }
    principal.tenants = [...new Set(tenants as string[])];
    // For a supervisor no list means every lender: an empty one must not mean that too.
    if (known.includes(Role.SUPERVISOR) && principal.tenants.length === 0) {
      throw refused('a supervisor token lists at least one tenant in tenants, or has no tenants claim');
    }
  }
  if (principal.tenant !== undefined && !principal.tenants.includes(principal.tenant)) {
    principal.tenants = [principal.tenant, ...principal.tenants];
  }
  if (jurisdictions !== undefined) {
    if (
      !Array.isArray(jurisdictions) ||
      !jurisdictions.every((code) => typeof code === 'string' && JURISDICTION_PATTERN.test(code))
    ) {
      throw refused('token jurisdictions claim must be an array of upper-case 2-3 letter codes');
    }
    principal.jurisdictions = [...new Set(jurisdictions as string[])];
  }
  if (known.some((role) => REVIEWER_ROLES.includes(role)) && principal.jurisdictions.length === 0) {
    throw refused('reviewer tokens must carry at least one jurisdiction');
  }
  if (known.some((role) => REVIEWER_ROLES.includes(role)) && principal.tenants.length === 0) {
    throw refused('reviewer tokens must carry the tenants they serve');
  }
  return principal;
}

function refused(reason: string): UnauthorizedException {
  return new UnauthorizedException(`invalid bearer token: ${reason}`);
}

function isOneOf<T extends string>(value: string | undefined, allowed: readonly T[]): value is T {
  return value !== undefined && (allowed as readonly string[]).includes(value);
}

/** A short, safe reason for jose's failures; the library's own messages can name claim values. */
function joseReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss' || error.claim === 'aud') return 'token issuer or audience is not accepted';
    if (error.claim === 'nbf') return 'token is not yet valid';
    if (error.claim === 'iat') return 'token issue time is invalid';
    return `token claim ${error.claim} is missing or invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return 'token signing key is not known';
  }
  return 'token is malformed';
}

/**
 * The JWKS is where signing keys come from, so it must not be fetched over a channel an attacker
 * could rewrite: https everywhere except loopback (local IdPs and tests).
 */
function remoteKeySetUrl(jwksUrl: string): URL {
  let url: URL;
  try {
    url = new URL(jwksUrl);
  } catch {
    throw new ConfigurationError(['AUTH_JWKS_URL: not a URL']);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigurationError(['AUTH_JWKS_URL: must use https (plain http only on loopback)']);
  }
  return url;
}

/**
 * Wraps the remote key set so that fetch failures (network, timeout, a non-200 or non-JSON answer)
 * are told apart from problems with the token itself, such as a `kid` the JWKS does not list.
 */
function guardedKeySet(url: URL): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(url);
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (isKeySourceFailure(error)) {
        throw new KeySourceUnavailable(error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  };
}

function isKeySourceFailure(error: unknown): boolean {
  // fetch's own errors (refused connection, DNS) are not jose's.
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    // The bare base class is what jose throws for a non-200 or non-JSON answer.
    error.code === errors.JOSEError.code
  );
}
