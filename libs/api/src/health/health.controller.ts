import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public, RequireRoles } from '../auth/decorators.js';
import { Role } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { RETRY_AFTER_SECONDS } from '../problem/problem.filter.js';
import { HealthService, type HealthReport, type PublicHealth } from './health.service.js';

// Probes carry no token and must never be rate limited into a restart.
@LendbridgeEndpoint()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** Readiness: 200 while Temporal is reachable, 503 otherwise; up or down per dependency only. */
  @Get()
  @Public()
  async readiness(@Res({ passthrough: true }) response: Response): Promise<PublicHealth> {
    const report = await this.health.publicCheck();
    answer(response, report.status);
    return report;
  }

  /** Liveness: the process serves HTTP; says nothing about dependencies. */
  @Get('live')
  @Public()
  liveness(): { status: 'up' } {
    return { status: 'up' };
  }

  /** For ops: where each dependency is and why it is down (addresses may hold credentials). */
  @Get('details')
  @ApiBearerAuth()
  @RequireRoles(Role.OPS)
  @ApiOperation({ summary: 'Readiness with the reasons, for ops' })
  async details(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.check();
    answer(response, report.status);
    return report;
  }
}

function answer(response: Response, status: 'up' | 'down'): void {
  response.status(status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
  if (status === 'down') response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
}
