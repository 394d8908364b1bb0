/**
 * A TypeScript tool started the way `npm run <tool>` starts it (tsx), on the very Node that runs
 * the test. `node_modules/.bin/tsx` would run on whichever `node` comes first on PATH, which on a
 * machine whose system Node is older than the supported line is not the one under test.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '#stack/contracts';

const TSX_CLI = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** The command and arguments of `tsx <script> <args>`, for spawn and spawnSync. */
export function tsx(script: string, args: string[] = []): [command: string, args: string[]] {
  return [process.execPath, [TSX_CLI, script, ...args]];
}
