/**
 * Date-times as lendbridge accepts them from outside, defined once: the API's DTOs (IsRealDateTime)
 * and the domain's own parsers (a consent grant's validity) test against isRealDateTime, so a time
 * the API refuses is never accepted elsewhere. Pure (no clock), workflow-safe.
 */

/** RFC 3339 section 5.6 date-time: seconds required, `T` (either case), `Z` or a numeric offset. */
export const RFC3339_DATE_TIME_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[-+]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * An RFC 3339 date-time that names a real instant: the pattern alone lets 2026-02-30 through (and
 * JavaScript would read it as March 2nd) and a leap second `:60`, which JavaScript cannot read.
 */
export function isRealDateTime(value: unknown): value is string {
  if (typeof value !== 'string' || !RFC3339_DATE_TIME_PATTERN.test(value)) return false;
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
