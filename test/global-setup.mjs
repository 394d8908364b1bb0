// Provisions the Temporal binaries (and PostgreSQL) once per `npm test`, before any suite runs, so that the first
// build on a fresh machine (minutes) is not counted against a test's timeout. The resolved paths
// go into the environment, where tools/stack/temporal.ts finds them.
import { execFileSync } from 'node:child_process';
import { killChildProcesses } from './process-cleanup.mjs';

const provision = (script) =>
  execFileSync('bash', [`scripts/${script}`], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();

export default function globalSetup() {
  // Stopped by a signal (Ctrl-C, or the time limit in scripts/test.sh), jest would die and leave the
  // servers its tests started running in their own process groups: stop them first.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.once(signal, () => {
      killChildProcesses();
      process.exit(code);
    });
  }
  process.env.TEMPORAL_CLI_PATH ||= provision('temporal-cli.sh');
  process.env.TEMPORAL_TEST_SERVER_PATH ||= provision('temporal-test-server.sh');
  // The production topology's suites: Temporal server, SQL tool and UI server, and PostgreSQL.
  process.env.TEMPORAL_SERVER_DIR ||= provision('temporal-server.sh');
  process.env.POSTGRES_BIN_DIR ||= provision('ensure-postgres.sh');
}
