import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devJwtSecretFile, ensureDevJwtSecret, readDevJwtSecret } from '#api/auth/dev-secret';

describe('the development JWT secret', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'lendbridge-auth-')), 'nested', '.data');
  });

  afterEach(() => {
    rmSync(join(dataDir, '..', '..'), { recursive: true, force: true });
  });

  it('is made once, as 64 hex characters readable only by the owner, and kept after', () => {
    const secret = ensureDevJwtSecret(dataDir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(devJwtSecretFile(dataDir)).toBe(join(dataDir, 'auth-jwt.secret'));
    expect(statSync(devJwtSecretFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(ensureDevJwtSecret(dataDir)).toBe(secret);
    expect(readDevJwtSecret(dataDir)).toBe(secret);
    expect(readFileSync(devJwtSecretFile(dataDir), 'utf8').trim()).toBe(secret);
  });

  it('refuses a file that holds no usable secret rather than signing with it', () => {
    ensureDevJwtSecret(dataDir);
    writeFileSync(devJwtSecretFile(dataDir), 'short\n');
    expect(() => ensureDevJwtSecret(dataDir)).toThrow(/no usable secret/);
  });
});
