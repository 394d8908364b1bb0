/**
 * Signed actions for tests: one test signing key, the verification keys a test worker's bundle is
 * given, and a helper that sends an action as the API would.
 */
import { type WorkflowHandle } from '@temporalio/client';
import {
  actionPublicKey,
  formatActionKeys,
  newActionSigningKey,
  type ActionRequest,
  type ActionSigningKey,
  type ApplicationState,
} from '#domain';
import { sendAction, type ActionUpdate } from '#temporal';

export const TEST_ACTION_KEY: ActionSigningKey = newActionSigningKey('test-1');
/** ACTION_VERIFY_KEYS for workers in tests. */
export const TEST_VERIFY_KEYS = formatActionKeys({ 'test-1': actionPublicKey(TEST_ACTION_KEY.secretKey) });
/** ACTION_SIGNING_KEY for APIs in tests. */
export const TEST_SIGNING_KEY = formatActionKeys({ 'test-1': TEST_ACTION_KEY.secretKey });

/** Sends a signed action; `clock` gives workflow time when the server skips time. */
export async function act<A extends ActionRequest>(
  handle: WorkflowHandle,
  update: ActionUpdate<A>,
  request: Omit<A, 'assertion'>,
  options: { updateId?: string; clock?: () => Promise<number>; key?: ActionSigningKey } = {},
): Promise<ApplicationState> {
  const nowMs = options.clock ? await options.clock() : undefined;
  return await sendAction(handle, update, request, options.key ?? TEST_ACTION_KEY, {
    ...(options.updateId && { updateId: options.updateId }),
    ...(nowMs !== undefined && { nowMs }),
  });
}
