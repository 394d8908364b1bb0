import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { LedgerHealthIndicator } from './ledger.health.js';
import { TemporalHealthIndicator } from './temporal.health.js';

type Status = 'up' | 'down';

/** What ops see: each dependency's status with its indicator's data (where it is, or why it is down). */
export interface HealthReport {
  status: Status;
  checks: {
    temporal: { status: Status; [detail: string]: unknown };
    ledger: { status: Status; [detail: string]: unknown };
  };
}

/** What anyone sees: up or down, per dependency; no address, URL or error text. */
export interface PublicHealth {
  status: Status;
  checks: { temporal: Status; ledger: Status };
}

/**
 * Readiness, by @nestjs/terminus: can this API serve? It needs Temporal (down: 503); the ledger is
 * reported, degraded when unreachable, and does not make the API unready. A probe that arrives
 * after the application began to shut down answers down too (terminus' shutting_down).
 */
@Injectable()
export class HealthService {
  constructor(
    @Inject(HealthCheckService) private readonly terminus: HealthCheckService,
    @Inject(TemporalHealthIndicator) private readonly temporal: TemporalHealthIndicator,
    @Inject(LedgerHealthIndicator) private readonly ledger: LedgerHealthIndicator,
  ) {}

  async check(): Promise<HealthReport> {
    const result = await this.run();
    const status = result.status === 'ok' || result.status === 'degraded' ? 'up' : 'down';
    return { status, checks: { temporal: detail(result, 'temporal'), ledger: detail(result, 'ledger') } };
  }

  async publicCheck(): Promise<PublicHealth> {
    const report = await this.check();
    return {
      status: report.status,
      checks: { temporal: report.checks.temporal.status, ledger: report.checks.ledger.status },
    };
  }

  /** Terminus answers a failed check with a 503 exception carrying the result; here it is a result like any other. */
  private async run(): Promise<HealthCheckResult> {
    try {
      return await this.terminus.check([() => this.temporal.check(), () => this.ledger.check()]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }
}

/** One dependency's detail; `degraded` (the ledger) reads as down, as on the public report. */
function detail(result: HealthCheckResult, key: 'temporal' | 'ledger'): HealthReport['checks']['temporal'] {
  const found: HealthIndicatorResult[string] | undefined = result.details[key];
  if (!found) return { status: 'down', message: 'not reported' };
  const { status, ...data } = found;
  return { status: status === 'up' ? 'up' : 'down', ...data };
}
