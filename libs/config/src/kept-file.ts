/**
 * Secrets a local stack makes once in its data directory and keeps across restarts (the payload
 * keys, the token secret, the action signing key, the evidence reference key): the history and
 * evidence they protect outlive a restart, so they must too. Here, not under tools/, because the
 * API's development token secret (libs/api/src/auth/dev-secret.ts) is kept the same way and an
 * app may not import the tools.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Creates `file` holding `content()`, readable only by its owner (mode 0600), unless it exists;
 * returns whether this call created it. The content is written to a temporary file first and then
 * linked into place, which fails if `file` exists: two starts racing cannot overwrite each other's
 * secret, and neither can read a file that is created but not yet written. The directory must exist.
 */
export function keepFileOnce(file: string, content: () => string): boolean {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.draft`;
  writeFileSync(draft, content(), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(draft);
  }
}
