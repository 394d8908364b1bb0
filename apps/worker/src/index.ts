/** lendbridge's worker: the Nest module that runs the activities and the workflow bundle on Temporal. */
export { TemporalWorkerService } from './temporal-worker.service.js';
export { WorkerModule } from './worker.module.js';
export { bundleWorkflows, loadWorkflowBundle, workflowsEntry } from './workflow-bundle.js';
