// After the last test, jest exits once nothing is left running. When something a test started
// outlives it (a worker polling a server that has stopped, a server nobody stopped), jest would
// wait for it for ever and the run would end only at CI's time limit, its log buried under the
// worker's retries. Give it a minute, then say so, stop what is left and fail.
import { setTimeout } from 'node:timers';
import { killChildProcesses } from './process-cleanup.mjs';

const GRACE_MS = 60_000;

export default function globalTeardown(globalConfig) {
  // In watch mode jest stays on purpose, waiting for the next change.
  if (globalConfig.watch || globalConfig.watchAll) return;
  setTimeout(() => {
    console.error(
      `[lendbridge] jest has not exited ${GRACE_MS / 1000} s after its last test: something a test started ` +
        'is still running (a worker, a server or a timer). Failing the run; see the suites above for a teardown that timed out.',
    );
    killChildProcesses();
    process.exit(1);
  }, GRACE_MS).unref();
}
