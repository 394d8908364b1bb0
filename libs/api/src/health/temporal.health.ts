import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Connection } from '@temporalio/client';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { HEALTH_CACHE_MS } from './health-cache.js';

/**
 * Temporal, for readiness: up when the namespace this API starts workflows in can be described.
 * That proves more than a bare gRPC health check: the server answers and the namespace exists.
 */
@Injectable()
export class TemporalHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(Connection) private readonly connection: Connection,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  check(): PromiseLike<HealthIndicatorResult<'temporal'>> {
    const { namespace, address } = this.config.temporal;
    return this.indicators
      .check('temporal')
      .attempt(async () => {
        try {
          // A gRPC deadline rather than the library's timeout: the call itself is cancelled.
          await this.connection.withDeadline(Date.now() + this.config.health.timeoutMs, () =>
            this.connection.workflowService.describeNamespace({ namespace }),
          );
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`Temporal at ${address}: ${reason}`, { cause: error });
        }
        return { address, namespace };
      })
      .cacheFor(HEALTH_CACHE_MS);
  }
}
