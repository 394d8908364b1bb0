import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type LendbridgeConfig } from '../../../libs/config/src/index.js';
import { LedgerModule } from '../../../libs/ledger/src/index.js';
import { TemporalClientModule } from '../../../libs/temporal/src/index.js';
import { HealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { LedgerProbeController } from './ledger-probe/ledger-probe.controller.js';

@Module({})
export class ApiModule {
  static forRoot(config: LendbridgeConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot(config), TemporalClientModule, LedgerModule],
      controllers: [HealthController, LedgerProbeController],
      providers: [HealthService],
    };
  }
}
