import { type DynamicModule, Module } from '@nestjs/common';
import { ActivitiesModule, type ActivitiesOptions } from '#activities';
import { ConfigModule, type LendbridgeConfig } from '#config';
import { TemporalWorkerService } from './temporal-worker.service.js';

/** The worker process: activities as Nest providers, hosted by one Temporal Worker. */
@Module({})
export class WorkerModule {
  /** `options.webhookDelivery` lets a host deliver events its own way (see WebhookDelivery). */
  static forRoot(config: LendbridgeConfig, options: ActivitiesOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), ActivitiesModule.register(options)],
      providers: [TemporalWorkerService],
    };
  }
}
