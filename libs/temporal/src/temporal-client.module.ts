import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { lendbridgeDataConverter } from '#codec';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { temporalConnectionOptions } from './connection-options.js';

/**
 * Provides the Temporal {@link Connection} and {@link Client} for the API. The connection is lazy
 * so the API starts (and reports "not ready" on /health) while Temporal is still coming up.
 */
@Module({
  providers: [
    {
      provide: Connection,
      useFactory: (config: LendbridgeConfig) => Connection.lazy(temporalConnectionOptions(config.temporal)),
      inject: [LENDBRIDGE_CONFIG],
    },
    {
      provide: Client,
      // The worker's codec: the client encrypts what it sends and decrypts what it reads back.
      useFactory: (connection: Connection, config: LendbridgeConfig) =>
        new Client({
          connection,
          namespace: config.temporal.namespace,
          dataConverter: lendbridgeDataConverter(config.codec),
        }),
      inject: [Connection, LENDBRIDGE_CONFIG],
    },
  ],
  exports: [Connection, Client],
})
export class TemporalClientModule implements OnApplicationShutdown {
  constructor(@Inject(Connection) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
