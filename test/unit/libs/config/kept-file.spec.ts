import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepFileOnce } from '#config';

describe('a kept file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lendbridge-kept-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is created once, readable only by its owner, and never overwritten', () => {
    const file = join(dir, 'secret');
    expect(keepFileOnce(file, () => 'first')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keepFileOnce(file, () => 'second')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first');
    // Written aside and linked into place: no draft is left behind, whoever won.
    expect(readdirSync(dir)).toEqual(['secret']);
  });

  it('fails when its directory is missing rather than creating it', () => {
    expect(() => keepFileOnce(join(dir, 'missing', 'secret'), () => 'x')).toThrow(/ENOENT/);
  });
});
