/**
 * The baseline's worker, run by `npm run bench:e2e` as a child process of its own (as lendbridge's
 * worker is), so its CPU and memory are measured the same way and it does not share the driver's
 * event loop. Loads the bundle of bench/e2e/bare-loan.workflow.ts the driver built beforehand
 * (as lendbridge's worker loads dist/workflow-bundle.js), polls its own task queue with the tuning
 * lendbridge's worker uses, and runs activities that do nothing. SIGTERM drains it (Temporal's
 * runtime handles the signal).
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type BareActivities } from './bare-loan.workflow.js';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (this worker is started by bench/e2e.ts)`);
  return value;
}

const activities: BareActivities = {
  recordEvidence: () => Promise.resolve({ evidenceHash: '' }),
  verifyCreditReport: () => Promise.resolve({ verdict: 'VERIFIED' }),
  notifyReviewers: () => Promise.resolve(),
  deliverWebhook: () => Promise.resolve(),
};

/** Bundles the bare workflow, for the driver to do once before it starts the worker. */
export async function bundleBareWorkflow(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./bare-loan.workflow.ts', import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });
  return code;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: setting('BENCH_TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: setting('BENCH_NAMESPACE'),
    taskQueue: setting('BENCH_TASK_QUEUE'),
    workflowBundle: { codePath: setting('BENCH_WORKFLOW_BUNDLE') },
    activities,
    maxConcurrentActivityTaskExecutions: Number(setting('BENCH_MAX_CONCURRENT_ACTIVITIES')),
    maxConcurrentWorkflowTaskExecutions: Number(setting('BENCH_MAX_CONCURRENT_WORKFLOW_TASKS')),
    maxCachedWorkflows: Number(setting('BENCH_MAX_CACHED_WORKFLOWS')),
  });
  console.log(`bare worker polling ${setting('BENCH_TASK_QUEUE')}`);
  await worker.run();
  await connection.close();
}

// Run as a program (not when the driver imports bundleBareWorkflow).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
