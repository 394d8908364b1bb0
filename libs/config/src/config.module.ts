import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type LendbridgeConfig } from './lendbridge-config.js';

/** Injection token for the validated {@link LendbridgeConfig}. */
export const LENDBRIDGE_CONFIG = Symbol('LendbridgeConfig');

/** Makes one already-validated configuration available to every module of an app. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: LendbridgeConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: LENDBRIDGE_CONFIG, useValue: config }],
      exports: [LENDBRIDGE_CONFIG],
    };
  }
}
