import { Inject, Injectable } from '@nestjs/common';
import type { LedgerInfo, LedgerProbeActivities } from '#domain';
import { LedgerClient } from '#ledger';

/** Activities of the ledger probe workflow, as a Nest provider so they get the shared ledger client. */
@Injectable()
export class LedgerProbeActivitiesService implements LedgerProbeActivities {
  constructor(@Inject(LedgerClient) private readonly ledger: LedgerClient) {}

  async readLedgerInfo(): Promise<LedgerInfo> {
    return await this.ledger.readLedgerInfo();
  }
}
