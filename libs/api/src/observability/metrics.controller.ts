import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus scrape endpoint. Public because scrapers carry no bearer token; it exposes only
 * counts by route template and outcome, never ids or personal data. Restrict it at the network
 * edge if those counts are sensitive. Left out of the OpenAPI document: loan systems never call it.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Public()
  @Get()
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.metrics.render();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }
}
