// Provisions the Temporal binaries (and PostgreSQL) once per `npm test`, before any suite runs, so that the first
// build on a fresh machine (minutes) is not counted against a test's timeout. The resolved paths
// go into the environment, where tools/stack/temporal.ts finds them.
import { execFileSync } from 'node:child_process';

const provision = (script) =>
  execFileSync('bash', [`scripts/${script}`], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();

export default function globalSetup() {
  process.env.TEMPORAL_CLI_PATH ||= provision('temporal-cli.sh');
  process.env.TEMPORAL_TEST_SERVER_PATH ||= provision('temporal-test-server.sh');
  // The production topology's suites: Temporal server, SQL tool and UI server, and PostgreSQL.
  process.env.TEMPORAL_SERVER_DIR ||= provision('temporal-server.sh');
  process.env.POSTGRES_BIN_DIR ||= provision('ensure-postgres.sh');
}
