import { Inject, Injectable } from '@nestjs/common';
import { Connection } from '@temporalio/client';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { LedgerClient } from '#ledger';

export type DependencyStatus = { status: 'up'; [detail: string]: unknown } | { status: 'down'; reason: string };

/** What ops see: each dependency's status with where it is and why it is down. */
export interface HealthReport {
  status: 'up' | 'down';
  checkedAt: string;
  checks: { temporal: DependencyStatus; ledger: DependencyStatus };
}

/** What anyone sees: up or down, per dependency; no address, URL or error text. */
export interface PublicHealth {
  status: 'up' | 'down';
  checks: { temporal: 'up' | 'down'; ledger: 'up' | 'down' };
}

/** A probe result is reused for this long: anonymous callers cannot make the API hammer its dependencies. */
export const HEALTH_CACHE_MS = 5_000;

/**
 * Readiness: can this API serve? It needs Temporal; the ledger is reported but does not make the
 * API unready, since applications wait out a ledger outage and loan systems and reviewers must
 * still reach them (to withdraw, to read, to decide). One probe at a time, its result cached
 * briefly, so probes from load balancers (and anyone else) cost a few RPCs a minute.
 */
@Injectable()
export class HealthService {
  private latest?: { report: HealthReport; at: number };
  private probing?: Promise<HealthReport>;

  constructor(
    @Inject(Connection) private readonly temporal: Connection,
    @Inject(LedgerClient) private readonly ledger: LedgerClient,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  async check(now = Date.now()): Promise<HealthReport> {
    if (this.latest && now - this.latest.at < HEALTH_CACHE_MS) return this.latest.report;
    this.probing ??= this.probe().finally(() => (this.probing = undefined));
    return await this.probing;
  }

  async publicCheck(): Promise<PublicHealth> {
    const report = await this.check();
    return {
      status: report.status,
      checks: { temporal: report.checks.temporal.status, ledger: report.checks.ledger.status },
    };
  }

  private async probe(): Promise<HealthReport> {
    const [temporal, ledger] = await Promise.all([this.checkTemporal(), this.ledger.checkReachability()]);
    const report: HealthReport = {
      status: temporal.status,
      checkedAt: new Date().toISOString(),
      checks: { temporal, ledger },
    };
    this.latest = { report, at: Date.now() };
    return report;
  }

  private async checkTemporal(): Promise<DependencyStatus> {
    const { namespace, address } = this.config.temporal;
    try {
      // Describing our namespace proves more than a bare gRPC health check: the server is up and
      // the namespace this API starts workflows in exists.
      await this.temporal.withDeadline(Date.now() + this.config.health.timeoutMs, () =>
        this.temporal.workflowService.describeNamespace({ namespace }),
      );
      return { status: 'up', address, namespace };
    } catch (error) {
      return {
        status: 'down',
        reason: `Temporal at ${address}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}
