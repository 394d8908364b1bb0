/**
 * lendbridge as a plugin: a host Nest application imports `LendbridgeModule.forRootAsync(...)` and
 * serves the loan-system, reviewer and ops endpoints beside its own. `apps/api` is the standalone
 * host. The application policy is a provider the host may replace; webhook delivery belongs to
 * the worker (see libs/worker).
 */
import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AesGcmCodec } from '#codec';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { LedgerModule } from '#ledger';
import { TemporalClientModule } from '#temporal';
import { ApiPaths } from './api-paths.js';
import {
  APPLICATION_POLICY,
  standalonePolicySource,
  type ApplicationPolicySource,
} from './applications/application-policy.js';
import { ApplicationWorkflows } from './applications/application-workflows.js';
import { ApplicationsController } from './applications/applications.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuthModule } from './auth/auth.module.js';
import { MeController } from './auth/me.controller.js';
import { CodecSessionController } from './codec/codec-session.controller.js';
import { CodecController, PAYLOAD_CODEC } from './codec/codec.controller.js';
import { ConsoleController } from './console/console.controller.js';
import { HealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { LedgerHealthIndicator } from './health/ledger.health.js';
import { TemporalHealthIndicator } from './health/temporal.health.js';
import { LedgerProbeController } from './ledger-probe/ledger-probe.controller.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { RequestShapeGuard } from './problem/request-shape.guard.js';
import { RateLimitGuard, rateLimitProviders } from './rate-limit/rate-limit.guard.js';
import { ReviewsController } from './reviews/reviews.controller.js';
import { EndedApplications, SupervisionClock } from './supervision/ended-applications.js';
import { SupervisionController } from './supervision/supervision.controller.js';

export interface LendbridgeModuleOptions {
  /** Validated configuration, usually `loadConfig(process.env)`. */
  config: LendbridgeConfig;
  /** Chooses the policy of each new application; default: DEFAULT_POLICY for everything. */
  policy?: ApplicationPolicySource;
}

export interface LendbridgeModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => LendbridgeModuleOptions | Promise<LendbridgeModuleOptions>;
}

const LENDBRIDGE_OPTIONS = Symbol('LendbridgeModuleOptions');

@Module({})
export class LendbridgeModule {
  static forRootAsync(options: LendbridgeModuleAsyncOptions): DynamicModule {
    return {
      module: LendbridgeModule,
      // The config is global so lendbridge's own modules (Temporal client, ledger, auth) find it.
      global: true,
      imports: [
        ...(options.imports ?? []),
        TemporalClientModule,
        LedgerModule,
        AuthModule,
        ObservabilityModule.forRoot(),
        // Health checks for /health. Not logged: a failing readiness probe is answered, not an error.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [
        HealthController,
        MeController,
        LedgerProbeController,
        ApplicationsController,
        ReviewsController,
        SupervisionController,
        AuditController,
        CodecController,
        CodecSessionController,
        ConsoleController,
      ],
      providers: [
        {
          provide: LENDBRIDGE_OPTIONS,
          useFactory: options.useFactory as (...args: unknown[]) => Promise<LendbridgeModuleOptions>,
          inject: options.inject ?? [],
        },
        {
          provide: LENDBRIDGE_CONFIG,
          useFactory: (o: LendbridgeModuleOptions) => o.config,
          inject: [LENDBRIDGE_OPTIONS],
        },
        {
          provide: APPLICATION_POLICY,
          useFactory: (o: LendbridgeModuleOptions) => o.policy ?? standalonePolicySource(o.config.documents),
          inject: [LENDBRIDGE_OPTIONS],
        },
        {
          provide: PAYLOAD_CODEC,
          // The codec endpoint only displays payloads: clear ones (written by hand, say) are shown as they are.
          useFactory: (config: LendbridgeConfig) => new AesGcmCodec(config.codec, { allowPlaintext: true }),
          inject: [LENDBRIDGE_CONFIG],
        },
        TemporalHealthIndicator,
        LedgerHealthIndicator,
        HealthService,
        ApiPaths,
        // The rate limit's options and storage, for lendbridge's controllers only (no APP_GUARD, no global module).
        ...rateLimitProviders(),
        RateLimitGuard,
        RequestShapeGuard,
        ApplicationWorkflows,
        EndedApplications,
        SupervisionClock,
      ],
      exports: [LENDBRIDGE_CONFIG, APPLICATION_POLICY],
    };
  }
}
