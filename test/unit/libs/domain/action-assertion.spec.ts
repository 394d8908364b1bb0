import fc from 'fast-check';
import {
  ACTION_ASSERTION_TTL_SECONDS,
  actionAssertionExpiry,
  actionAssertionProblem,
  actionDigest,
  actionPublicKey,
  formatActionKeys,
  newActionSigningKey,
  parseActionKeys,
  signActionAssertion,
  type ActionBinding,
} from '#domain';

const key = newActionSigningKey('api-1');
const keys = { 'api-1': actionPublicKey(key.secretKey) };
const NOW = 1_800_000_000;
const content = { actor: { subject: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] } };
const binding: ActionBinding = {
  workflowId: 'loan/bank-a/A-1',
  update: 'claimReview',
  updateId: 'u-1',
  digest: actionDigest(content),
};
const signed = signActionAssertion(binding, key, NOW);

describe('action assertions', () => {
  it('accept the action they were signed for, within their validity', () => {
    expect(actionAssertionProblem(signed, keys, binding, NOW)).toBeUndefined();
    expect(actionAssertionProblem(signed, keys, binding, NOW + ACTION_ASSERTION_TTL_SECONDS)).toBeUndefined();
    expect(actionAssertionExpiry(signed)).toBe(NOW + ACTION_ASSERTION_TTL_SECONDS);
  });

  it.each([
    ['another application', { ...binding, workflowId: 'loan/bank-a/A-2' }, 'for another application'],
    ['another update', { ...binding, update: 'completeReview' }, 'for another action'],
    ['another update id (a replay)', { ...binding, updateId: 'u-2' }, 'issued for another request'],
    ['other content', { ...binding, digest: actionDigest({ actor: { subject: 'mallory' } }) }, 'does not match'],
  ])('refuse %s', (_name, expected, reason) => {
    expect(actionAssertionProblem(signed, keys, expected, NOW)).toContain(reason);
  });

  it('refuse an expired assertion and one from the future', () => {
    expect(actionAssertionProblem(signed, keys, binding, NOW + 3600)).toBe('the action assertion has expired');
    expect(actionAssertionProblem(signed, keys, binding, NOW - 3600)).toBe('the action assertion is not valid yet');
  });

  it('refuse a key the worker does not trust, and a signature by another key under a trusted id', () => {
    const forger = newActionSigningKey('api-1');
    expect(actionAssertionProblem(signActionAssertion(binding, forger, NOW), keys, binding, NOW)).toBe(
      'the action assertion signature is invalid',
    );
    expect(
      actionAssertionProblem(signActionAssertion(binding, { ...forger, keyId: 'x' }, NOW), keys, binding, NOW),
    ).toBe('the action assertion was signed with a key this worker does not trust');
    expect(actionAssertionProblem(signed, {}, binding, NOW)).toContain('does not trust');
  });

  it('refuse any altered token, whichever byte changes', () => {
    fc.assert(
      fc.property(fc.nat({ max: signed.length - 1 }), fc.constantFrom(...'AQgw_-.x'), (index, char) => {
        fc.pre(signed[index] !== char);
        const altered = signed.slice(0, index) + char + signed.slice(index + 1);
        expect(actionAssertionProblem(altered, keys, binding, NOW)).toBeDefined();
      }),
    );
  });

  it('refuse what is not an assertion', () => {
    for (const token of [undefined, '', 'a.b', 'a.b.c', 42, 'x'.repeat(5000), `${signed}.extra`]) {
      expect(actionAssertionProblem(token, keys, binding, NOW)).toBeDefined();
    }
  });

  it('digest the content as it travels: key order and undefined members do not matter', () => {
    expect(actionDigest({ b: 1, a: { d: undefined, c: [1, 'x'] } })).toBe(actionDigest({ a: { c: [1, 'x'] }, b: 1 }));
    expect(actionDigest({ a: 1 })).not.toBe(actionDigest({ a: 2 }));
  });

  it('read and write keys as <key id>:<base64url>', () => {
    const text = formatActionKeys(keys);
    expect(parseActionKeys(text)).toEqual(keys);
    expect(parseActionKeys(`${text},${text}`)).toBeUndefined(); // the same id twice
    expect(parseActionKeys('api-1:short')).toBeUndefined();
  });
});
