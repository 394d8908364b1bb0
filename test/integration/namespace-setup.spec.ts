import { msToTs } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { LENDBRIDGE_SEARCH_ATTRIBUTES } from '#domain';
import { ensureRetention, registerSearchAttributes } from '#temporal';
import { startTestDevServer } from '#test-support/temporal';

describe('namespace setup on the real dev server', () => {
  let env: TestWorkflowEnvironment;
  const namespace = 'lendbridge-setup-test';

  beforeAll(async () => {
    env = await startTestDevServer();
    // A namespace created without the attributes, as on a dev server database from before they existed.
    await env.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('registers every missing search attribute once, and nothing on a second run', async () => {
    const names = LENDBRIDGE_SEARCH_ATTRIBUTES.map((key) => key.name);
    await expect(registerSearchAttributes(env.connection, namespace)).resolves.toEqual(names);
    await expect(registerSearchAttributes(env.connection, namespace)).resolves.toEqual([]);
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(names));
  });

  it('sets retention to 30 days once', async () => {
    await expect(ensureRetention(env.connection, namespace)).resolves.toBe(true);
    await expect(ensureRetention(env.connection, namespace)).resolves.toBe(false);
    const described = await env.connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 24 * 60 * 60);
  });
});
