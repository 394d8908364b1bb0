import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { LedgerClient } from '#ledger';
import { HEALTH_CACHE_MS } from './health-cache.js';

/**
 * The ledger, reported but never making the API unready: applications wait out a ledger outage,
 * and loan systems and reviewers must still reach them (to withdraw, to read, to decide). So a
 * ledger that cannot be read is `degraded` (terminus answers the check, not 503), never `down`.
 */
@Injectable()
export class LedgerHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(LedgerClient) private readonly ledger: LedgerClient,
  ) {}

  async check(): Promise<HealthIndicatorResult<'ledger'>> {
    const session = this.indicators.check('ledger');
    const result = await session
      .attempt(async () => {
        const reachability = await this.ledger.checkReachability();
        if (reachability.status === 'down') throw new Error(reachability.reason);
        return { chainId: reachability.chainId, blockNumber: reachability.blockNumber };
      })
      .cacheFor(HEALTH_CACHE_MS);
    const { status, ...data } = result.ledger;
    return status === 'up' ? result : session.degraded(data);
  }
}
