import { type ValidationError } from 'class-validator';
import { type FieldProblem } from './problem.js';

/** Flattens class-validator's nested errors into one entry per failing field, with dotted paths. */
export function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}
