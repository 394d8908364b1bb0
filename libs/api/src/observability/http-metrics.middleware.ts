import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';
import { routeTemplate } from './request-context.js';

// nginx's code for "client closed the request": the response was never completed.
const CLIENT_CLOSED_REQUEST = 499;

/**
 * Counts and times every request that reaches the API's middleware, including 404s and failures,
 * which an interceptor would miss. The labels are read when the response ends, the only moment
 * the router has decided which route (if any) served it.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  use(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
      this.metrics.recordHttpRequest(req.method ?? 'OTHER', routeTemplate(req, status), status, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  }
}
