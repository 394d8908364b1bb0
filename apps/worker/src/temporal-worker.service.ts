import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  bindActivities,
  LedgerProbeActivitiesService,
  LoanApplicationActivitiesService,
} from '../../../activities/index.js';
import { assertBundleEncodesFailures, workerDataConverter } from '../../../libs/codec/src/index.js';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '../../../libs/config/src/index.js';
import { temporalConnectionOptions, temporalTransport } from '../../../libs/temporal/src/index.js';

/** The workflow bundle entry: TypeScript sources under ts-jest/tsx, compiled JS under dist/. */
export function workflowsEntry(): string {
  const ts = fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../../../workflows/index.js', import.meta.url));
}

/**
 * Owns the Temporal Worker's life: started once the Nest context is ready, drained on shutdown
 * (SIGTERM lets in-flight activities finish before the process exits).
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
    @Inject(LedgerProbeActivitiesService) private readonly ledgerProbe: LedgerProbeActivitiesService,
    @Inject(LoanApplicationActivitiesService) private readonly loanApplication: LoanApplicationActivitiesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { address, namespace, taskQueue } = this.config.temporal;
    const tuning = this.config.worker;
    // A prebuilt bundle carries its own copy of the failure converter; the one named in
    // dataConverter only serves activities. Refuse a bundle that would log failures in clear.
    if (tuning.workflowBundle) {
      assertBundleEncodesFailures(await readFile(tuning.workflowBundle, 'utf8'), tuning.workflowBundle);
    }
    this.connection = await NativeConnection.connect(temporalConnectionOptions(this.config.temporal));
    this.worker = await Worker.create({
      connection: this.connection,
      namespace,
      taskQueue,
      // A prebuilt bundle outside development; bundling at start is for editing workflows.
      ...(tuning.workflowBundle
        ? { workflowBundle: { codePath: tuning.workflowBundle } }
        : { workflowsPath: workflowsEntry() }),
      // Payloads and failure messages are encrypted before they leave the worker.
      dataConverter: workerDataConverter(this.config.codec),
      activities: bindActivities(this.ledgerProbe, this.loanApplication),
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
      maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
      maxCachedWorkflows: tuning.maxCachedWorkflows,
      // On SIGTERM, activities in flight get this long to finish before they are cancelled.
      shutdownGraceTime: '30 seconds',
    });
    this.running = this.worker.run();
    // A worker that fails on its own is fatal: exit so the supervisor (or `npm run dev`) sees it.
    this.running.catch((error: unknown) => {
      this.logger.error(`worker failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
    this.logger.log(
      `polling task queue "${taskQueue}" on ${address} (${temporalTransport(this.config.temporal)}, namespace ${namespace}), ` +
        `workflows ${tuning.workflowBundle ? `from bundle ${tuning.workflowBundle}` : 'bundled at start'}`,
    );
  }

  /** Resolves when the worker has stopped; for the main module to await. */
  get stopped(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }
}
