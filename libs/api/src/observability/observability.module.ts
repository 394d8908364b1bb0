import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { createLoggerModule, type LoggingOptions } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

export type ObservabilityOptions = LoggingOptions;

/**
 * Structured request logs (nestjs-pino) and Prometheus metrics (`GET /metrics`) for the API.
 * Needs `LENDBRIDGE_CONFIG` (from `ConfigModule.forRoot`) for the log level.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [createLoggerModule(options)],
      controllers: [MetricsController],
      providers: [MetricsService, HttpMetricsMiddleware],
      exports: [MetricsService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // A wildcard, which Nest mounts under the global prefix, on the prefix root, and on the routes
    // excluded from the prefix (such as /metrics and /health).
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '/{*splat}', method: RequestMethod.ALL });
  }
}
