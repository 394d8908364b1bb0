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
