/**
 * Secrets a local stack makes once in its data directory and keeps across restarts (the payload
 * keys, the token secret, the action signing key, the evidence reference key): the history and
 * evidence they protect outlive a restart, so they must too. Here, not under tools/, because the
 * API's development token secret (apps/api/src/auth/dev-secret.ts) is kept the same way and an
 * app may not import the tools.
 */
import { writeFileSync } from 'node:fs';

/**
 * Creates `file` holding `content()`, readable only by its owner (mode 0600), unless it exists;
 * returns whether this call created it. The create is exclusive (flag `wx`), so two starts racing
 * cannot overwrite each other's secret: the later one finds the file and keeps what it holds. The
 * directory must exist.
 */
export function keepFileOnce(file: string, content: () => string): boolean {
  try {
    writeFileSync(file, content(), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
