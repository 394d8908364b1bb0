/**
 * A per-client request budget, kept by @nestjs/throttler: at most `API_RATE_LIMIT_PER_MINUTE`
 * requests in any one-minute window, then 429 problem+json with Retry-After (the seconds until the
 * oldest counted request leaves the window). A client is the person the token names (its canonical
 * subject), so callers behind one address (a bank's egress, a NAT) do not share a budget; a request
 * to a public route has no principal and is counted by address. In memory, per API instance; behind
 * a load balancer each replica counts on its own, so the effective limit is replicas × the setting.
 *
 * The guard runs after authentication (see LendbridgeEndpoint), so a request refused there (no or
 * a bad token) is answered 401 without spending any budget.
 *
 * Scoped, not global: the throttler's options and storage are lendbridge's own providers
 * (rateLimitProviders), not the library's ThrottlerModule, which is @Global and would hand
 * lendbridge's limit to a host's own throttled routes (or take the host's for lendbridge's). Only
 * lendbridge's controllers carry this guard, so a host's routes are never throttled by it.
 * Exempt a route with the library's `@SkipThrottle()`.
 */
import { type ExecutionContext, Inject, Injectable, type Provider } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  getOptionsToken,
  getStorageToken,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
  ThrottlerStorageService,
} from '@nestjs/throttler';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import type { AuthenticatedRequest } from '../auth/decorators.js';

const WINDOW_MS = 60_000;

/** The throttler's options from the one config schema: one budget of the configured size a minute. */
export function rateLimitOptions(config: LendbridgeConfig): ThrottlerModuleOptions {
  return {
    // blockDuration 0: a sliding window. A refused request is not counted, and the client may send
    // again as soon as its oldest counted request is a minute old (no penalty block on top).
    throttlers: [{ ttl: WINDOW_MS, limit: config.api.rateLimitPerMinute, blockDuration: 0 }],
    errorMessage: `more than ${config.api.rateLimitPerMinute} requests a minute`,
  };
}

/**
 * The throttler's options and in-memory storage as providers of the module whose controllers carry
 * the guard. Not exported: a module's own providers win over global ones, so lendbridge's guard
 * reads these even when the host has a ThrottlerModule of its own, and the host never sees them.
 */
export function rateLimitProviders(): Provider[] {
  return [
    { provide: getOptionsToken(), useFactory: rateLimitOptions, inject: [LENDBRIDGE_CONFIG] },
    { provide: getStorageToken(), useClass: ThrottlerStorageService },
  ];
}

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  // Said explicitly: the library's own parameter types name the Reflector its CommonJS build
  // required, which a loader (tsx) may hold as a second copy that Nest does not provide.
  constructor(
    @Inject(getOptionsToken()) options: ThrottlerModuleOptions,
    @Inject(getStorageToken()) storage: ThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
  ) {
    super(options, storage, reflector);
  }

  /**
   * The principal's canonical subject when authenticated, else the client address (proxy-aware,
   * see API_TRUST_PROXY; the library counts an IPv6 client by its /64, which it cannot rotate out of).
   */
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip, socket } = request as unknown as AuthenticatedRequest;
    // A loan system's subject is a client id its bank chose; two banks may choose the same one, so
    // its budget is per tenant too. A person (reviewer, ops) has one budget wherever they act.
    if (principal) return `principal:${principal.tenant ? `${principal.tenant}/` : ''}${principal.subject}`;
    return `address:${await super.getTracker({ ip: ip ?? socket.remoteAddress ?? 'unknown' })}`;
  }

  /** One budget per client across every lendbridge route (the library's default is one per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}
