import { applicationWorkflowId, durationMs, ID_PATTERN, isSha256Hex } from '#domain';

describe('ids and shapes', () => {
  it.each(['.', '..', '...', '-', ':', '_.-', '', 'a/b', 'a b', 'a'.repeat(65)])('refuse %j as an id', (id) => {
    expect(ID_PATTERN.test(id)).toBe(false);
    expect(() => applicationWorkflowId('bank-a', id)).toThrow();
  });

  it.each(['A', 'APP-2026-0001', 'a.b', '.x', 'x.', '1'])('accept %j as an id', (id) => {
    expect(applicationWorkflowId('bank-a', id)).toBe(`loan/bank-a/${id}`);
  });

  it('checks a SHA-256 as 64 lowercase hex only', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true);
    expect(isSha256Hex('A'.repeat(64))).toBe(false);
    expect(isSha256Hex('a'.repeat(63))).toBe(false);
    expect(isSha256Hex(undefined)).toBe(false);
  });

  it('reads policy durations by one rule', () => {
    expect(durationMs('48 hours')).toBe(48 * 3_600_000);
    expect(durationMs('7 days')).toBe(7 * 86_400_000);
    expect(durationMs('6 seconds')).toBe(6000);
    expect(durationMs(1500)).toBe(1500);
    for (const bad of ['', 'soon', '-1 day', '0 days', '3 constructor', '2 fortnights', Number.NaN, -5]) {
      expect(durationMs(bad as never)).toBeUndefined();
    }
  });
});
