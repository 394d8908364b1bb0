/**
 * Money is a decimal string with an ISO 4217 currency, converted to integer minor units for any
 * arithmetic: never a float. Deterministic (workflow-safe): no I/O, no clocks.
 */

/** Minor-unit exponent of the currencies lendbridge lends in; others are refused. */
export const CURRENCY_EXPONENTS: Record<string, number> = { HKD: 2, CNY: 2, USD: 2, MOP: 2 };

export interface Money {
  /** Positive decimal string, e.g. "250000.00"; at most the currency's minor-unit digits. */
  amount: string;
  /** ISO 4217 code, e.g. "HKD". */
  currency: string;
}

// At most 13 integer digits: in minor units that stays below 2^53, so it survives JSON and visibility.
const DECIMAL = /^(0|[1-9]\d{0,12})(\.\d+)?$/;

/** The currency's decimal places, if supported: own keys only ("constructor" is not a currency). */
function exponentOf(currency: string): number | undefined {
  return Object.hasOwn(CURRENCY_EXPONENTS, currency) ? CURRENCY_EXPONENTS[currency] : undefined;
}

/** Why a money value is unacceptable, or undefined when it is fine. */
export function moneyProblem(money: Money): string | undefined {
  // Input from outside may be anything: checked before any property is read or coerced (a number
  // amount would pass the regex, then break toMinorUnits' split; an array currency ['HKD'] is a key).
  if (typeof money !== 'object' || money === null) return 'must be an object with amount and currency';
  if (typeof money.currency !== 'string') return 'currency is not supported';
  if (typeof money.amount !== 'string') return 'amount is not a positive decimal string';
  const exponent = exponentOf(money.currency);
  // Refusals name the rule, never the value: they reach API answers, and values are the caller's data.
  if (exponent === undefined) return 'currency is not supported';
  const match = DECIMAL.exec(money.amount);
  if (!match) return 'amount is not a positive decimal string';
  if ((match[2]?.length ?? 1) - 1 > exponent) return `${money.currency} has ${exponent} decimal places`;
  if (toMinorUnits(money) <= 0n) return 'amount must be greater than zero';
  return undefined;
}

export function toMinorUnits(money: Money): bigint {
  const exponent = exponentOf(money.currency) ?? 0;
  const [whole = '0', fraction = ''] = money.amount.split('.');
  return BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
}

export function fromMinorUnits(minor: bigint, currency: string): Money {
  const exponent = exponentOf(currency) ?? 0;
  const scale = 10n ** BigInt(exponent);
  const whole = minor / scale;
  const fraction = (minor % scale).toString().padStart(exponent, '0');
  return { amount: exponent === 0 ? whole.toString() : `${whole}.${fraction}`, currency };
}
