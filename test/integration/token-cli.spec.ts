import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnauthorizedException } from '@nestjs/common';
import { ensureDevJwtSecret } from '#api/auth/dev-secret';
import { TokenVerifier } from '#api/auth/token-verifier';
import { testConfig, TEST_JWT_SECRET } from '#test-support/config';
import { tsx } from '#test-support/tsx';

const LEDGER = {
  LEDGER_REGISTRY_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  LEDGER_EVIDENCE_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
};

// `npm run token` as a developer runs it: a real process, its stdout fed to the API's verifier.
describe('token command-line tool', () => {
  const work = mkdtempSync(join(tmpdir(), 'lendbridge-token-cli-'));
  const verifier = new TokenVerifier(testConfig(LEDGER));

  function run(args: string[], env: Record<string, string> = {}) {
    const result = spawnSync(...tsx('tools/cli/token.ts', args), {
      encoding: 'utf8',
      env: {
        ...process.env,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        AUTH_ISSUER: '',
        AUTH_AUDIENCE: '',
        LENDBRIDGE_DATA_DIR: join(work, 'no-dev-stack'),
        ...env,
      },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('prints one reviewer token, and only it, on stdout', async () => {
    const result = run([
      '--role',
      'reviewer',
      '--role',
      'senior-reviewer',
      '--sub',
      'alice',
      '--jurisdiction',
      'HK',
      '--jurisdiction',
      'cn',
      '--tenant',
      'bank-a',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(result.stderr).toContain('token for alice');
    await expect(verifier.verify(result.stdout.trim())).resolves.toEqual({
      subject: 'alice',
      roles: ['reviewer', 'senior-reviewer'],
      jurisdictions: ['HK', 'CN'],
      tenants: ['bank-a'],
    });
  });

  it('mints a loan-system token with its tenant and lifetime', async () => {
    const result = run(['--role', 'loan-system', '--sub', 'los-bank-a', '--tenant', 'bank-a', '--ttl', '15m']);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'los-bank-a',
      roles: ['loan-system'],
      tenant: 'bank-a',
      tenants: ['bank-a'],
      jurisdictions: [],
    });
    const { iat, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(exp - iat).toBe(15 * 60);
  });

  it('signs with the dev stack secret file when AUTH_JWT_SECRET is unset', async () => {
    const dataDir = join(work, 'dev-stack');
    const secret = ensureDevJwtSecret(dataDir);
    const result = run(['--role', 'ops', '--sub', 'olga'], { AUTH_JWT_SECRET: '', LENDBRIDGE_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    const devVerifier = new TokenVerifier(testConfig({ ...LEDGER, AUTH_JWT_SECRET: secret }));
    await expect(devVerifier.verify(result.stdout.trim())).resolves.toMatchObject({ subject: 'olga' });
    await expect(verifier.verify(result.stdout.trim())).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it('uses AUTH_ISSUER and AUTH_AUDIENCE like the API does', async () => {
    const env = { AUTH_ISSUER: 'https://idp.bank-a.example', AUTH_AUDIENCE: 'lendbridge-uat' };
    const result = run(['--role', 'ops', '--sub', 'olga'], env);
    expect(result.code).toBe(0);
    const uat = new TokenVerifier(testConfig({ ...LEDGER, ...env }));
    await expect(uat.verify(result.stdout.trim())).resolves.toMatchObject({ subject: 'olga' });
    await expect(verifier.verify(result.stdout.trim())).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it.each([
    ['an unknown role', ['--role', 'admin', '--sub', 'x'], 'unknown role admin'],
    ['no role', ['--sub', 'x'], '--role is required'],
    ['a supervisor who is ops too', ['--role', 'supervisor', '--role', 'ops', '--sub', 's'], 'carries no other --role'],
    ['no subject', ['--role', 'ops'], '--sub is required'],
    ['a loan system without tenant', ['--role', 'loan-system', '--sub', 'los'], 'needs exactly one --tenant'],
    [
      'a loan system of two tenants',
      ['--role', 'loan-system', '--sub', 'los', '--tenant', 'a', '--tenant', 'b'],
      'exactly one',
    ],
    [
      'a reviewer serving no tenant',
      ['--role', 'reviewer', '--sub', 'a', '--jurisdiction', 'HK'],
      'at least one --tenant',
    ],
    ['an invisible character in the subject', ['--role', 'ops', '--sub', 'ali\u200bce'], '--sub is required'],
    ['a malformed tenant', ['--role', 'loan-system', '--sub', 'los', '--tenant', 'bank a'], '--tenant must be'],
    [
      'a reviewer without jurisdiction',
      ['--role', 'reviewer', '--sub', 'alice', '--tenant', 'bank-a'],
      'needs at least one --jurisdiction',
    ],
    [
      'a bad jurisdiction',
      ['--role', 'reviewer', '--sub', 'a', '--jurisdiction', 'H-K', '--tenant', 'bank-a'],
      '--jurisdiction must be',
    ],
    ['a negative ttl', ['--role', 'ops', '--sub', 'x', '--ttl=-1h'], '--ttl must be'],
    ['a ttl in years', ['--role', 'ops', '--sub', 'x', '--ttl', '1y'], '--ttl must be'],
    ['an unknown option', ['--role', 'ops', '--sub', 'x', '--admin'], 'Unknown option'],
    ['a positional argument', ['--role', 'ops', '--sub', 'x', 'extra'], 'positional'],
  ])('refuses %s with the usage and exit code 2', (_name, args, message) => {
    const result = run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: npm run token');
  });

  it('says where the secret should come from when there is none (exit code 1)', () => {
    const result = run(['--role', 'ops', '--sub', 'olga'], { AUTH_JWT_SECRET: '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no signing secret: set AUTH_JWT_SECRET');
  });
});
