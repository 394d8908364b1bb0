/**
 * Gives the workflow sandbox the public keys that authenticate human actions. The sandbox cannot
 * read the environment, and the keys must not come from Temporal, so the worker writes them into
 * the workflow bundle's code before loading it, over the one placeholder string the workflow code
 * holds (workflows/loan-application/action-keys.ts).
 */
import { parseActionKeys } from '#domain/action-assertion';

const PLACEHOLDER = /(['"])__LENDBRIDGE_ACTION_VERIFY_KEYS__\1/g;

/** The bundle's code with `verifyKeys` (ACTION_VERIFY_KEYS form) in place of the placeholder. */
export function withActionKeys(code: string, verifyKeys: string): string {
  if (!parseActionKeys(verifyKeys)) throw new Error('action verification keys are malformed');
  const found = code.match(PLACEHOLDER)?.length ?? 0;
  if (found !== 1) {
    throw new Error(`the workflow bundle holds the action-key placeholder ${found} times, not once: rebuild it`);
  }
  return code.replace(PLACEHOLDER, () => JSON.stringify(verifyKeys));
}
