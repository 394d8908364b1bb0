/**
 * Policy durations ('7 days', '48 hours', '6 seconds', or milliseconds as a number), turned into
 * milliseconds by one rule that the workflow's timers and the due times it shows both use.
 */
import { type Duration } from '@temporalio/common';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** Milliseconds, or undefined when the duration is not a positive amount of a known unit. */
export function durationMs(duration: Duration): number | undefined {
  if (typeof duration === 'number') return Number.isFinite(duration) && duration > 0 ? duration : undefined;
  const match = /^(\d+(?:\.\d+)?) *([a-z]+)$/i.exec(String(duration).trim());
  const name = match?.[2]?.toLowerCase() ?? '';
  const unit = Object.hasOwn(UNIT_MS, name) ? UNIT_MS[name] : undefined;
  if (!match || unit === undefined) return undefined;
  const ms = Number(match[1]) * unit;
  return ms > 0 && Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}
