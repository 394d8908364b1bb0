/**
 * A per-client request budget: at most `API_RATE_LIMIT_PER_MINUTE` requests in any one-minute
 * window from one address, then 429 with Retry-After. In memory, per API instance; behind a load
 * balancer each replica counts on its own, so the effective limit is replicas × the setting.
 *
 * Written here rather than taken from @nestjs/throttler: that package ships only CommonJS, which
 * requires the ES-module-only Nest 12 and so cannot load in the test runner's ESM mode on Node 20.
 */
import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';

const WINDOW_MS = 60_000;
const SKIP_RATE_LIMIT = 'lendbridge:rate-limit:skip';

/** Exempts a route or controller (health probes, metrics scrapes) from the budget. */
export function SkipRateLimit(): MethodDecorator & ClassDecorator {
  return SetMetadata(SKIP_RATE_LIMIT, true);
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  /** Client address → start of its current window and requests counted in it. */
  private readonly windows = new Map<string, { startedAt: number; count: number }>();
  private lastSweep = Date.now();

  constructor(
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const now = Date.now();
    this.sweep(now);
    const client = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    let window = this.windows.get(client);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      window = { startedAt: now, count: 0 };
      this.windows.set(client, window);
    }
    window.count += 1;
    if (window.count > this.config.api.rateLimitPerMinute) {
      const retryAfter = Math.ceil((window.startedAt + WINDOW_MS - now) / 1000);
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      throw new HttpException(
        `more than ${this.config.api.rateLimitPerMinute} requests a minute`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }

  /** Forgets clients whose window has passed, so the map stays as small as the set of active clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [client, window] of this.windows) {
      if (now - window.startedAt >= WINDOW_MS) this.windows.delete(client);
    }
  }
}
