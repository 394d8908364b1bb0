import { type DynamicModule, Module } from '@nestjs/common';
import { ActivitiesModule } from '../../../activities/index.js';
import { ConfigModule, type LendbridgeConfig } from '../../../libs/config/src/index.js';
import { TemporalWorkerService } from './temporal-worker.service.js';

/** The worker process: activities as Nest providers, hosted by one Temporal Worker. */
@Module({})
export class WorkerModule {
  static forRoot(config: LendbridgeConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), ActivitiesModule],
      providers: [TemporalWorkerService],
    };
  }
}
