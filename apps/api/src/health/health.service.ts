import { Inject, Injectable } from '@nestjs/common';
import { Connection } from '@temporalio/client';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '../../../../libs/config/src/index.js';
import { LedgerClient } from '../../../../libs/ledger/src/index.js';

export type DependencyStatus = { status: 'up'; [detail: string]: unknown } | { status: 'down'; reason: string };

export interface HealthReport {
  status: 'up' | 'down';
  checks: { temporal: DependencyStatus; ledger: DependencyStatus };
}

/** Readiness: can this API reach Temporal and the configured ledger right now? */
@Injectable()
export class HealthService {
  constructor(
    @Inject(Connection) private readonly temporal: Connection,
    @Inject(LedgerClient) private readonly ledger: LedgerClient,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  async check(): Promise<HealthReport> {
    const [temporal, ledger] = await Promise.all([this.checkTemporal(), this.ledger.checkReachability()]);
    return { status: temporal.status === 'up' && ledger.status === 'up' ? 'up' : 'down', checks: { temporal, ledger } };
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
