import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  ApplicationReconcilerActivitiesService,
  bindActivities,
  LedgerProbeActivitiesService,
  LoanApplicationActivitiesService,
  WEBHOOK_DELIVERY,
  type WebhookDelivery,
} from '#activities';
import { lendbridgeDataConverter, workerDataConverter } from '#codec';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { APPLICATION_RECONCILER_ID, APPLICATION_RECONCILER_WORKFLOW } from '#domain';
import { temporalConnectionOptions, temporalTransport } from '#temporal';
import { defaultWorkflowBundle, loadWorkflowBundle } from './workflow-bundle.js';

export { workflowsEntry } from './workflow-bundle.js';

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
    @Inject(WEBHOOK_DELIVERY) private readonly webhooks: WebhookDelivery,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { address, namespace, taskQueue } = this.config.temporal;
    const tuning = this.config.worker;
    const workflowBundle = await loadWorkflowBundle({
      prebuiltBundle: tuning.workflowBundle,
      verifyKeys: this.config.actions.verifyKeys,
    });
    const connection = await NativeConnection.connect(temporalConnectionOptions(this.config.temporal));
    // Everything that can fail comes before the worker runs: a start that fails half-way must not
    // leave a worker polling with nobody to stop it (a host's failed start would then never exit).
    let worker: Worker;
    try {
      const client = new Client({ connection, namespace, dataConverter: lendbridgeDataConverter(this.config.codec) });
      await this.startReconciler(client);
      const reconciler = new ApplicationReconcilerActivitiesService(client, namespace, this.webhooks);
      worker = await Worker.create({
        connection,
        namespace,
        taskQueue,
        // A prebuilt bundle outside development; bundling at start is for editing workflows.
        workflowBundle,
        // Payloads and failure messages are encrypted before they leave the worker.
        dataConverter: workerDataConverter(this.config.codec),
        activities: bindActivities(this.ledgerProbe, this.loanApplication, reconciler),
        maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
        maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
        maxCachedWorkflows: tuning.maxCachedWorkflows,
        // On SIGTERM, activities in flight get this long to finish before they are cancelled.
        shutdownGraceTime: '30 seconds',
      });
    } catch (error) {
      await connection.close();
      throw error;
    }
    this.connection = connection;
    this.worker = worker;
    this.running = worker.run();
    // A worker that fails on its own is fatal: exit so the supervisor (or `npm run dev`) sees it.
    this.running.catch((error: unknown) => {
      this.logger.error(`worker failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
    this.logger.log(
      `polling task queue "${taskQueue}" on ${address} (${temporalTransport(this.config.temporal)}, namespace ${namespace}), ` +
        `workflows ${describeBundle(tuning.workflowBundle ?? defaultWorkflowBundle())}`,
    );
  }

  /** One reconciler per namespace: every worker asks, the first start wins, the others find it running. */
  private async startReconciler(client: Client): Promise<void> {
    await client.workflow.start(APPLICATION_RECONCILER_WORKFLOW, {
      workflowId: APPLICATION_RECONCILER_ID,
      taskQueue: this.config.temporal.taskQueue,
      args: [{ since: new Date(0).toISOString(), announced: [], everyMs: this.config.worker.reconcileEveryMs }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
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

function describeBundle(prebuilt: string | undefined): string {
  return prebuilt ? `from bundle ${prebuilt}` : 'bundled at start';
}
