/**
 * How a client acts on an application: every update is signed for exactly this application,
 * update and content (libs/domain/src/action-assertion.ts), under an update id that makes a retry
 * of the same request land once. The API sends every human action through here; tests do too.
 */
import { randomUUID } from 'node:crypto';
import { type WorkflowHandle } from '@temporalio/client';
import { type UpdateDefinition } from '@temporalio/common';
import {
  actionDigest,
  signActionAssertion,
  type ActionRequest,
  type ActionSigningKey,
  type ApplicationState,
} from '#domain';

export type ActionUpdate<A extends ActionRequest> = UpdateDefinition<ApplicationState, [A], string>;

/** Signs `request` and runs it as `update`; resolves with the state the update left. */
export async function sendAction<A extends ActionRequest>(
  handle: WorkflowHandle,
  update: ActionUpdate<A>,
  request: Omit<A, 'assertion'>,
  key: ActionSigningKey,
  options: { updateId?: string; nowMs?: number } = {},
): Promise<ApplicationState> {
  const updateId = options.updateId ?? randomUUID();
  const assertion = signActionAssertion(
    { workflowId: handle.workflowId, update: update.name, updateId, digest: actionDigest(request) },
    key,
    // Workflow time is the server's; only a test server that skips time needs another clock.
    Math.floor((options.nowMs ?? Date.now()) / 1000),
  );
  return await handle.executeUpdate(update, { args: [{ ...request, assertion } as A], updateId });
}
