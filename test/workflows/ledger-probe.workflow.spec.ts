import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { LEDGER_PROBE_WORKFLOW, type LedgerInfo, type LedgerProbeActivities } from '#domain';
import { LedgerMismatchError, LedgerUnavailableError } from '#ledger';
import { startTimeSkippingServer } from '#test-support/temporal';
import { workflowsEntry } from '#worker/temporal-worker.service';

const INFO: LedgerInfo = {
  chainId: '31337',
  blockNumber: 7,
  registryAddress: '0xabc',
  registryVersion: 'lendbridge-credit-report-registry/1',
};

describe('ledgerProbeWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let taskQueueSeq = 0;

  beforeAll(async () => {
    env = await startTimeSkippingServer();
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  /** Runs the workflow against the given activity implementation; returns the result or the failure. */
  async function runProbe(activities: LedgerProbeActivities): Promise<LedgerInfo> {
    const taskQueue = `probe-${++taskQueueSeq}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsEntry(),
      activities,
    });
    return await worker.runUntil(
      env.client.workflow.execute<() => Promise<LedgerInfo>>(LEDGER_PROBE_WORKFLOW, {
        taskQueue,
        workflowId: `probe-${taskQueueSeq}`,
      }),
    );
  }

  it('returns what the activity read from the ledger', async () => {
    await expect(runProbe({ readLedgerInfo: () => Promise.resolve(INFO) })).resolves.toEqual(INFO);
  });

  it('rides out a ledger that is unavailable for a while', async () => {
    let attempts = 0;
    const result = await runProbe({
      readLedgerInfo: () => {
        attempts += 1;
        if (attempts < 4) throw new LedgerUnavailableError('http://127.0.0.1:1', new Error('ECONNREFUSED'));
        return Promise.resolve(INFO);
      },
    });
    expect(result).toEqual(INFO);
    expect(attempts).toBe(4);
  });

  it('fails at once, without retrying, when the node is not the configured ledger', async () => {
    let attempts = 0;
    const failure = await runProbe({
      readLedgerInfo: () => {
        attempts += 1;
        throw new LedgerMismatchError('node serves chain 1, configured LEDGER_CHAIN_ID is 31337');
      },
    }).catch((error: unknown) => error);
    expect(attempts).toBe(1);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('LedgerMismatchError');
  });
});
