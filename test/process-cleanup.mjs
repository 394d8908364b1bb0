// Jest runs tests in a sandbox whose `process` is not the real one: exit handlers a test registers
// (tools/stack/processes.ts kills the stack's servers in one) never run when jest itself exits. The
// global setup and teardown run outside it, so when jest must stop early they stop what the tests
// started: every child of this process, with the process group it leads (servers are started in
// groups of their own so that they can be stopped with what they spawned).
import { readdirSync, readFileSync } from 'node:fs';

function childrenOf(pid) {
  const children = [];
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children; // no /proc (not Linux): nothing to find this way
  }
  for (const task of tasks) {
    try {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(/\s+/).map(Number));
    } catch {
      // the thread ended while we looked
    }
  }
  return children;
}

/** Kills every child of this process and the process group each one leads. */
export function killChildProcesses() {
  for (const pid of childrenOf(process.pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}
