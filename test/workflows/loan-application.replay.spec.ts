import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { workflowsEntry } from '#worker/temporal-worker.service';

// Every recorded history (one per workflow path, `npm run test:record-histories`) must replay
// against today's workflow code: a change that would break running applications fails here,
// before it reaches a worker. Until the first release the fixtures are re-recorded when the
// workflow changes on purpose (npm run test:record-histories); from then on, frozen per version.
const HISTORIES_DIR = join(process.cwd(), 'test', 'fixtures', 'histories');
const histories = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    workflowId: file,
    history: JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as unknown,
  }));

async function replayAll(workflowsPath: string): Promise<{ workflowId: string; error?: Error }[]> {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const results: { workflowId: string; error?: Error }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(result);
  return results;
}

describe('loan application histories', () => {
  it('has a recorded history for every path the workflow tests drive', () => {
    expect(histories.length).toBeGreaterThanOrEqual(25); // the paths in loan-application.workflow.spec.ts
  });

  it('replays every recorded history against the current workflow code', async () => {
    const results = await replayAll(workflowsEntry());
    expect(results.map((r) => r.workflowId).sort()).toEqual(histories.map((h) => h.workflowId).sort());
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`)).toEqual([]);
  });

  it('fails every history against a deliberately incompatible version', async () => {
    const results = await replayAll(join(process.cwd(), 'test', 'workflows', 'incompatible', 'index.ts'));
    expect(results).toHaveLength(histories.length);
    for (const result of results) expect(result.error?.name).toBe('DeterminismViolationError');
  });
});
