import fc from 'fast-check';
import { fromMinorUnits, moneyProblem, toMinorUnits } from '#domain';

describe('money', () => {
  it('converts decimal strings to integer minor units and back without loss', () => {
    expect(toMinorUnits({ amount: '250000.5', currency: 'HKD' })).toBe(25_000_050n);
    expect(toMinorUnits({ amount: '7', currency: 'CNY' })).toBe(700n);
    expect(fromMinorUnits(25_000_050n, 'HKD')).toEqual({ amount: '250000.50', currency: 'HKD' });
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 16n }), (minor) => {
        expect(toMinorUnits(fromMinorUnits(minor, 'HKD'))).toBe(minor);
      }),
    );
  });

  it.each([
    [{ amount: '100.00', currency: 'HKD' }, undefined],
    [{ amount: '0.01', currency: 'USD' }, undefined],
    [{ amount: '100.001', currency: 'HKD' }, 'HKD has 2 decimal places'],
    [{ amount: '-5', currency: 'HKD' }, 'is not a positive decimal string'],
    [{ amount: '1e5', currency: 'HKD' }, 'is not a positive decimal string'],
    [{ amount: '0.00', currency: 'HKD' }, 'greater than zero'],
    [{ amount: '007', currency: 'HKD' }, 'is not a positive decimal string'],
    [{ amount: '100', currency: 'XYZ' }, 'currency is not supported'],
  ])('judges %j', (money, problem) => {
    const found = moneyProblem(money);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('a currency named like one of Object’s members', () => {
  it.each(['constructor', '__proto__', 'toString'])('%j is not supported', (currency) => {
    expect(moneyProblem({ amount: '1.00', currency })).toBe('currency is not supported');
  });
});

describe('moneyProblem on input of the wrong shape', () => {
  // Found in review: a number amount passed the regex (coerced) and then broke toMinorUnits' split.
  it('names the problem instead of throwing or coercing', () => {
    expect(moneyProblem({ amount: 100, currency: 'HKD' } as never)).toBe('amount is not a positive decimal string');
    expect(moneyProblem({ amount: '100', currency: ['HKD'] } as never)).toBe('currency is not supported');
    for (const money of [null, undefined, '100 HKD', 100])
      expect(moneyProblem(money as never)).toBe('must be an object with amount and currency');
  });

  it('never throws, and never passes a value toMinorUnits cannot read (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ amount: fc.anything(), currency: fc.anything() })), (money) => {
        const problem = moneyProblem(money as never);
        if (problem === undefined) expect(toMinorUnits(money as never) > 0n).toBe(true);
      }),
    );
  });
});
