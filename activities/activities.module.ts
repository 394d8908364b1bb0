import { Module } from '@nestjs/common';
import type { LedgerProbeActivities } from '../libs/domain/src/index.js';
import { LedgerModule } from '../libs/ledger/src/index.js';
import { LedgerProbeActivitiesService } from './ledger-probe.activities.js';

/** Every activity implementation the worker registers, by the name workflows call it. */
export type LendbridgeActivities = LedgerProbeActivities;

@Module({
  imports: [LedgerModule],
  providers: [LedgerProbeActivitiesService],
  exports: [LedgerProbeActivitiesService],
})
export class ActivitiesModule {}

/**
 * Binds the Nest-managed services into the plain object a Temporal Worker registers; the explicit
 * type makes the compiler check that every activity a workflow proxies is implemented.
 */
export function bindActivities(ledgerProbe: LedgerProbeActivitiesService): LendbridgeActivities {
  return { readLedgerInfo: () => ledgerProbe.readLedgerInfo() };
}
