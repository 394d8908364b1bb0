import { type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type LendbridgeConfig } from '../../../libs/config/src/index.js';
import { ApiModule } from './api.module.js';

/** Builds the API exactly as `main` serves it, so tests exercise the same app. */
export async function createApiApp(
  config: LendbridgeConfig,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(ApiModule.forRoot(config), options);
  // Versioned API under /v1; operational endpoints stay unversioned where probes expect them.
  app.setGlobalPrefix('v1', { exclude: ['health', 'health/live'] });
  app.enableShutdownHooks();
  return app;
}
