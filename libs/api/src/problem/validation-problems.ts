import { type ValidationError } from 'class-validator';
import { type FieldProblem } from './problem.js';

/**
 * Flattens class-validator's nested errors into one entry per failing field and rule, with dotted
 * paths. A missing field is one problem, "required", not every rule its absent value also breaks
 * (an absent list is not "too short" and "of the wrong type" besides).
 */
export function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    const messages = constraints.isDefined !== undefined ? [constraints.isDefined] : Object.values(constraints);
    return [...messages.map((message) => ({ field, message })), ...fieldProblems(error.children ?? [], field)];
  });
}
