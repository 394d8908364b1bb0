/**
 * The HS256 secret of the local stack: made once per data directory by `npm run dev`, so tokens
 * from `npm run token` keep working across restarts, and never committed (it lives under .data/).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepFileOnce } from '#config/kept-file';

const MIN_SECRET_LENGTH = 32;

export function devJwtSecretFile(dataDir: string): string {
  return join(dataDir, 'auth-jwt.secret');
}

/** Returns the data directory's secret, creating it (32 random bytes as hex, mode 0600) if missing. */
export function ensureDevJwtSecret(dataDir: string): string {
  const file = devJwtSecretFile(dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Created exclusively: two starts racing cannot overwrite each other's secret.
  keepFileOnce(file, () => `${randomBytes(32).toString('hex')}\n`);
  return readDevJwtSecret(dataDir);
}

/** Reads the data directory's secret; throws when it is missing or too short to be one we made. */
export function readDevJwtSecret(dataDir: string): string {
  const file = devJwtSecretFile(dataDir);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} holds no usable secret (under ${MIN_SECRET_LENGTH} characters): delete it to make a new one`,
    );
  }
  return secret;
}
