/**
 * lendbridge's worker, the package's `lendbridge/worker` entry: the Nest module that runs the
 * activities and the workflow bundle on Temporal, and what a host needs beside it (its own webhook
 * delivery, the data converter and codec for its own Temporal clients, the configuration).
 */
export { TemporalWorkerService } from './temporal-worker.service.js';
export { WorkerModule } from './worker.module.js';
export {
  bundleWorkflows,
  defaultWorkflowBundle,
  loadWorkflowBundle,
  packagedWorkflowBundle,
  workflowsEntry,
} from './workflow-bundle.js';
export {
  ActivitiesModule,
  bindActivities,
  WEBHOOK_DELIVERY,
  WebhookSender,
  type ActivitiesOptions,
  type LendbridgeActivities,
  type WebhookDelivery,
} from '#activities';
export { AesGcmCodec, failureConverterPath, lendbridgeDataConverter, workerDataConverter } from '#codec';
export { ConfigurationError, loadConfig, type LendbridgeConfig } from '#config';
export type { WebhookEvent } from '#domain';
