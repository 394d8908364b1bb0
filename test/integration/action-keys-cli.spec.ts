import { spawnSync } from 'node:child_process';
import { actionAssertionProblem, actionDigest, parseActionKeys, signActionAssertion } from '#domain';
import { tsx } from '#test-support/tsx';

// `npm run action-keys` as an operator runs it: the pair it prints signs and verifies actions.
describe('action-keys command-line tool', () => {
  const run = (args: string[]) => {
    const result = spawnSync(...tsx('tools/cli/action-keys.ts', args), { encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const setting = (stdout: string, name: string): string =>
    stdout
      .split('\n')
      .find((line) => line.startsWith(`${name}=`))!
      .slice(name.length + 1);

  it('makes a signing key whose verification key checks what it signs, and derives it again', () => {
    const made = run(['new', '--key-id', 'api-1']);
    expect(made.code).toBe(0);
    const signing = parseActionKeys(setting(made.stdout, 'ACTION_SIGNING_KEY'))!;
    const verify = parseActionKeys(setting(made.stdout, 'ACTION_VERIFY_KEYS'))!;
    const binding = { workflowId: 'loan/bank-a/A-1', update: 'claimReview', updateId: 'u', digest: actionDigest({}) };
    const now = Math.floor(Date.now() / 1000);
    const token = signActionAssertion(binding, { keyId: 'api-1', secretKey: signing['api-1']! }, now);
    expect(actionAssertionProblem(token, verify, binding, now)).toBeUndefined();

    const derived = run(['public', setting(made.stdout, 'ACTION_SIGNING_KEY')]);
    expect(derived.code).toBe(0);
    expect(setting(derived.stdout, 'ACTION_VERIFY_KEYS')).toBe(setting(made.stdout, 'ACTION_VERIFY_KEYS'));
  });

  it.each([[['new']], [['public', 'not-a-key']], [['frobnicate']], [['new', '--key-id', 'a b']]])(
    'refuses %j with the usage and exit code 2',
    (args) => {
      const result = run(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('usage: npm run -s action-keys');
    },
  );
});
