/**
 * The workflow code a worker runs, with the worker's action verification keys written in: the
 * bundle WORKER_WORKFLOW_BUNDLE names, else the one the published package carries, else (in a
 * source checkout) one built at start.
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

/**
 * The prebuilt bundle inside the published package (`lendbridge/worker`), written there by
 * `npm run build`; a source checkout has none, so this file is only there in the package.
 */
export const packagedWorkflowBundle: string = fileURLToPath(new URL('../../../workflow-bundle.js', import.meta.url));

/** The bundle a worker loads without WORKER_WORKFLOW_BUNDLE: the package's, if this is the package. */
export function defaultWorkflowBundle(): string | undefined {
  return existsSync(packagedWorkflowBundle) ? packagedWorkflowBundle : undefined;
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
  const prebuilt = settings.prebuiltBundle ?? defaultWorkflowBundle();
  if (prebuilt) {
    code = await readFile(prebuilt, 'utf8');
    // A bundle without lendbridge's failure converter would write failure messages in clear.
    assertBundleEncodesFailures(code, prebuilt);
  } else {
    code = await bundleWorkflows();
  }
  return { code: withActionKeys(code, settings.verifyKeys) };
}
