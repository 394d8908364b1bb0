/**
 * How a refusal names the field at fault. A key is the caller's input too: it is named only when
 * it is a plain name, never echoed with markup, control or bidi characters, or at any length; and
 * keys that name object internals (`__proto__`, `constructor`, `toString`, ...) are never data.
 * Defined here, in the pure domain, so the API's validation and the domain's own checks (document
 * fields, configuration) share one rule.
 */

/** A problem with one field of some input: where, and what is wrong, never the value itself. */
export interface InputProblem {
  /** Dotted path to the field, each key segment passed through fieldSegment. */
  field: string;
  message: string;
}

const PLAIN_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The key as an error may name it: itself when plain, `(unnamed)` otherwise. */
export function fieldSegment(key: string): string {
  return PLAIN_NAME.test(key) ? key : '(unnamed)';
}

/** Keys that name object internals: every property objects inherit, and `prototype`. */
export function isReservedKey(key: string): boolean {
  return key in Object.prototype || key === 'prototype';
}

/** A JSON object (not null, not an array): what a field map or a configuration entry must be. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A problem for each key of a configuration object outside `allowed`, named by its path: a typo
 * (`cout` for `count`) is never silently ignored, and a reserved key never read.
 */
export function unknownKeyProblems(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): InputProblem[] {
  return Object.keys(value).flatMap((key) =>
    isReservedKey(key)
      ? [{ field: `${path}.${fieldSegment(key)}`, message: 'this key is not allowed' }]
      : allowed.includes(key)
        ? []
        : [{ field: `${path}.${fieldSegment(key)}`, message: 'is not a property of this configuration' }],
  );
}
