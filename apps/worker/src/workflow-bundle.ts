/**
 * The workflow code a worker runs: the prebuilt bundle (WORKER_WORKFLOW_BUNDLE) or one built at
 * start for development, with the worker's action verification keys written in.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { assertBundleEncodesFailures, failureConverterPath } from '#codec';
import { ConfigurationError } from '#config';
import { withActionKeys } from '#temporal';

/** The workflow bundle entry: TypeScript sources under ts-jest/tsx, compiled JS under dist/. */
export function workflowsEntry(): string {
  const ts = fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../../../workflows/index.js', import.meta.url));
}

/** Bundles the workflows as `npm run build` does (the failure converter inside the sandbox). */
export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    // Workflows convert their failures inside the sandbox, so the converter must be in the bundle.
    failureConverterPath: failureConverterPath(),
    logger: new DefaultLogger('WARN'),
  });
  return code;
}

export async function loadWorkflowBundle(settings: {
  prebuiltBundle?: string;
  verifyKeys?: string;
}): Promise<{ code: string }> {
  if (!settings.verifyKeys) {
    // Without keys the workflow would refuse every action: say so before serving anything.
    throw new ConfigurationError(['ACTION_VERIFY_KEYS: required by the worker to accept human actions']);
  }
  let code: string;
  if (settings.prebuiltBundle) {
    code = await readFile(settings.prebuiltBundle, 'utf8');
    // A bundle without lendbridge's failure converter would write failure messages in clear.
    assertBundleEncodesFailures(code, settings.prebuiltBundle);
  } else {
    code = await bundleWorkflows();
  }
  return { code: withActionKeys(code, settings.verifyKeys) };
}
