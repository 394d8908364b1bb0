import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService, type HealthReport } from './health.service.js';
import { Public } from '../auth/decorators.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.guard.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';

// Probes carry no token and must never be rate limited into a restart.
@LendbridgeEndpoint()
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** Readiness: 200 when Temporal and the ledger are reachable, 503 (with the reason) otherwise. */
  @Get()
  async readiness(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.check();
    response.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  /** Liveness: the process serves HTTP; says nothing about dependencies. */
  @Get('live')
  liveness(): { status: 'up' } {
    return { status: 'up' };
  }
}
