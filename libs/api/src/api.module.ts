import { type DynamicModule, Module } from '@nestjs/common';
import { type LendbridgeConfig } from '#config';
import { LendbridgeModule } from './lendbridge.module.js';

/** The standalone host: lendbridge's module and nothing else, configured from the environment. */
@Module({})
export class ApiModule {
  static forRoot(config: LendbridgeConfig): DynamicModule {
    return { module: ApiModule, imports: [LendbridgeModule.forRootAsync({ useFactory: () => ({ config }) })] };
  }
}
