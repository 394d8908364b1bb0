/**
 * The worker module hosted in a test's own process. Every start is remembered, so the test file's
 * teardown closes a worker even when its start was still under way (a hook or a test that timed
 * out): one that came up after its servers stopped would poll them for ever and keep jest running.
 */
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type LendbridgeConfig } from '#config';
import { WorkerModule } from '#worker/worker.module';

const starts: Promise<INestApplicationContext>[] = [];

/** Starts the worker module; a start that fails rejects here (never exits the test process). */
export function startWorkerContext(config: LendbridgeConfig): Promise<INestApplicationContext> {
  const start = NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: ['error'],
    abortOnError: false,
  });
  starts.push(start);
  return start;
}

/** Closes every worker this file started, waiting for starts still under way. */
export async function closeWorkerContexts(): Promise<void> {
  const closed = await Promise.allSettled(
    starts.splice(0).map(async (start) => {
      const context = await start.catch(() => undefined);
      await context?.close();
    }),
  );
  const failed = closed.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
