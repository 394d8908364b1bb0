/**
 * Part of `npm run build`: bundles the workflows once, so a worker outside development loads a
 * prebuilt bundle (WORKER_WORKFLOW_BUNDLE) instead of running webpack at every start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { failureConverterPath } from '#codec/failure-converter-path';
import { REPO_ROOT } from '#stack/contracts';

export const WORKFLOW_BUNDLE_FILE = join(REPO_ROOT, 'dist', 'workflow-bundle.js');

const { code } = await bundleWorkflowCode({
  workflowsPath: join(REPO_ROOT, 'workflows', 'index.ts'),
  // Workflows convert their failures inside the sandbox, so the converter must be in the bundle:
  // a worker given a prebuilt bundle ignores its own failureConverterPath for workflow code.
  failureConverterPath: failureConverterPath(),
  logger: new DefaultLogger('WARN'),
});
mkdirSync(dirname(WORKFLOW_BUNDLE_FILE), { recursive: true });
writeFileSync(WORKFLOW_BUNDLE_FILE, code);
console.log(`workflow bundle: ${WORKFLOW_BUNDLE_FILE} (${Math.round(code.length / 1024)} KiB)`);
