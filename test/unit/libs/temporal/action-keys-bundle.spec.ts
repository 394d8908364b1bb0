import { withActionKeys } from '#temporal';
import { TEST_VERIFY_KEYS } from '#test-support/actions';
import { bundleWorkflows } from '#worker/workflow-bundle';

describe('the action keys written into a workflow bundle', () => {
  it('replaces the one placeholder of the real bundle with the keys', async () => {
    const code = await bundleWorkflows();
    const withKeys = withActionKeys(code, TEST_VERIFY_KEYS);
    expect(withKeys).toContain(JSON.stringify(TEST_VERIFY_KEYS));
    expect(withKeys).not.toContain('__LENDBRIDGE_ACTION_VERIFY_KEYS__');
  }, 60_000);

  it('refuses a bundle without the placeholder (or with it twice) and malformed keys', () => {
    const placeholder = "const configured = '__LENDBRIDGE_ACTION_VERIFY_KEYS__';";
    expect(() => withActionKeys('no placeholder here', TEST_VERIFY_KEYS)).toThrow('0 times');
    expect(() => withActionKeys(`${placeholder}${placeholder}`, TEST_VERIFY_KEYS)).toThrow('2 times');
    expect(() => withActionKeys(placeholder, 'not keys')).toThrow('malformed');
    expect(withActionKeys(placeholder, TEST_VERIFY_KEYS)).toBe(
      `const configured = ${JSON.stringify(TEST_VERIFY_KEYS)};`,
    );
  });
});
