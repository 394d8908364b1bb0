import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isRealDateTime } from '#domain';

// One mechanism: the rule lives in the domain (libs/domain/src/date-time.ts), which parses consent grants with it too.
export { isRealDateTime };

export function IsRealDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRealDateTime',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: '$property must be an RFC 3339 date-time of a real day, e.g. 2026-11-20T09:00:00Z',
        ...options,
      },
      validator: { validate: isRealDateTime },
    });
}
