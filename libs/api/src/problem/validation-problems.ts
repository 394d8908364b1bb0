import { type ValidationError } from 'class-validator';
import { fieldSegment } from '#domain';
import { type FieldProblem } from './problem.js';

/** How an error names a property: the domain's one rule (see #domain's field-names). */
export { fieldSegment };

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
