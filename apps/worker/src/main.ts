/**
 * The standalone worker: a host of the package like a bank's own, importing only
 * `lendbridge/worker` (by the package's name, as apps/api does) and the Temporal SDK it peers with.
 */
import { NestFactory } from '@nestjs/core';
import { Runtime } from '@temporalio/worker';
import { loadConfig, TemporalWorkerService, WorkerModule } from 'lendbridge/worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Temporal's own worker metrics and lendbridge's (activities/metrics.ts) on one Prometheus
  // endpoint; installed before the first connection, as the SDK requires.
  if (config.metrics.workerAddress) {
    Runtime.install({
      telemetryOptions: {
        metrics: { prometheus: { bindAddress: config.metrics.workerAddress, countersTotalSuffix: true } },
      },
    });
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config));
  // SIGTERM/SIGINT run the shutdown hooks, which drain the worker before the process exits.
  app.enableShutdownHooks();
  await app.get(TemporalWorkerService).stopped;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
