import { type ValidationError } from 'class-validator';
import { type FieldProblem } from './problem.js';

const PLAIN_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * How an error names a property: a key is the caller's input too, so it is named only when it is a
 * plain name, never echoed with markup, control or bidi characters, or at any length.
 */
export function fieldSegment(key: string): string {
  return PLAIN_NAME.test(key) ? key : '(unnamed)';
}

/**
 * Flattens class-validator's nested errors into one entry per failing field and rule, with dotted
 * paths. A missing field is one problem, "required", not every rule its absent value also breaks
 * (an absent list is not "too short" and "of the wrong type" besides).
 */
export function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const name = fieldSegment(error.property);
    const field = prefix ? `${prefix}.${name}` : name;
    const constraints = error.constraints ?? {};
    const messages =
      constraints.isDefined !== undefined
        ? [constraints.isDefined]
        : Object.entries(constraints).map(([rule, message]) =>
            rule === 'whitelistValidation' ? 'is not a property of this request' : message,
          );
    return [...messages.map((message) => ({ field, message })), ...fieldProblems(error.children ?? [], field)];
  });
}
