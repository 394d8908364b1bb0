import { MockActivityEnvironment } from '@temporalio/testing';
import { whileHeartbeating } from '#activities/heartbeat';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('whileHeartbeating', () => {
  it('heartbeats while the work runs, and stops when it is done', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    const result = await env.run(() => whileHeartbeating(() => pause(130).then(() => 'done'), 20));
    expect(result).toBe('done');
    expect(beats).toBeGreaterThanOrEqual(4);
    const atEnd = beats;
    await pause(60);
    expect(beats).toBe(atEnd);
  });

  it('passes a failure through and stops heartbeating', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    await expect(
      env.run(() => whileHeartbeating(() => pause(50).then(() => Promise.reject(new Error('ledger down'))), 10)),
    ).rejects.toThrow('ledger down');
    const atEnd = beats;
    await pause(40);
    expect(beats).toBe(atEnd);
  });

  it('just runs the work outside an activity', async () => {
    await expect(whileHeartbeating(() => Promise.resolve(7), 10)).resolves.toBe(7);
  });
});
