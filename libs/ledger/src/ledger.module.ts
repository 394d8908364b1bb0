import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { LedgerClient } from './ledger-client.js';

/** Provides the shared {@link LedgerClient} and closes it when the app stops. */
@Module({
  providers: [
    {
      provide: LedgerClient,
      useFactory: (config: LendbridgeConfig) => new LedgerClient(config.ledger),
      inject: [LENDBRIDGE_CONFIG],
    },
  ],
  exports: [LedgerClient],
})
export class LedgerModule implements OnApplicationShutdown {
  constructor(@Inject(LedgerClient) private readonly ledger: LedgerClient) {}

  onApplicationShutdown(): void {
    this.ledger.close();
  }
}
