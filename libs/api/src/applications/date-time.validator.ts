import { isRFC3339, registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * An RFC 3339 date-time that names a real instant: the pattern alone lets 2026-02-30 through (and
 * JavaScript would read it as March 2nd) and a leap second `:60`, which JavaScript cannot read.
 */
export function isRealDateTime(value: unknown): boolean {
  if (typeof value !== 'string' || !isRFC3339(value)) return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const calendar = new Date(0);
  // setUTCFullYear, not Date.UTC: that reads years 0-99 as 1900-1999, refusing 0013-01-16 as unreal.
  calendar.setUTCFullYear(year, month - 1, day);
  return (
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    !Number.isNaN(Date.parse(value))
  );
}

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
