// RFC 3339 instants and durations as the API accepts them. Pure functions: each returns a value or
// a reason (a string) so that the caller can name the parameter.
import { parseRfc3339 } from '@pa/contracts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DURATION = /^([1-9]\d{0,8})(s|m|h|d)$/;

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

/**
 * Every instant the API reads or serves lies in [1970-01-01, 10000-01-01): answers stay RFC 3339
 * (four-digit years; toISOString writes year 10000 as "+010000-…", which PostgreSQL refuses too).
 */
export const MIN_INSTANT_MS = 0;
export const END_OF_TIME_MS = Date.UTC(10000, 0, 1);
const RANGE_REASON = 'must be from 1970-01-01T00:00:00Z to before 10000-01-01T00:00:00Z';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** How an instant with digits past the millisecond becomes epoch ms (stored instants are whole ms). */
export type Rounding = 'ceil' | 'floor';

/**
 * Epoch ms of an RFC 3339 time with a zone ("2026-11-29T10:00:00Z", "...+02:00"), read by the
 * contract's parser (the one the writer stores by). Snapshot times are whole milliseconds, so
 * `ceil` keeps `[from, to)` meaning the same rows for either bound, and `floor` keeps "at or
 * before `at`" from taking a later millisecond.
 */
export function parseInstant(text: string, rounding: Rounding = 'ceil'): Parsed<number> {
  const instant = parseRfc3339(text);
  if (!instant) return { ok: false, reason: `must be an RFC 3339 time with a zone, e.g. 2026-11-29T10:00:00Z${plusHint(text)}` };
  const ms = instant.ms + (rounding === 'ceil' && instant.us > 0 ? 1 : 0);
  if (ms < MIN_INSTANT_MS || ms >= END_OF_TIME_MS) return { ok: false, reason: RANGE_REASON };
  return { ok: true, value: ms };
}

/** A query string turns an unencoded `+` into a space: "…10:00:00 02:00" was meant as "+02:00". */
function plusHint(text: string): string {
  return /\d \d{2}:\d{2}$/.test(text) ? " (send a '+' offset as %2B: in a query string '+' means a space)" : '';
}

/** Epoch ms of a UTC calendar date "YYYY-MM-DD" (its midnight); the whole day must end before 10000. */
export function parseDate(text: string): Parsed<number> {
  const m = DATE.exec(text);
  if (!m) return { ok: false, reason: 'must be a date YYYY-MM-DD (UTC)' };
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Checked first: Date.UTC reads years 0-99 as 1900-1999.
  if (Number(m[1]) < 1970 || ms + DAY_MS >= END_OF_TIME_MS) return { ok: false, reason: 'must be from 1970-01-01 to 9999-12-30 (the day must end before year 10000)' };
  if (new Date(ms).toISOString().slice(0, 10) !== text) return { ok: false, reason: 'is not a valid date' };
  return { ok: true, value: ms };
}

/** A step such as 30s, 5m, 1h, 1d, in ms. One unit only: steps tile time from the Unix epoch. */
export function parseDuration(text: string): Parsed<number> {
  const m = DURATION.exec(text);
  if (!m) return { ok: false, reason: 'must be a whole number followed by s, m, h or d, e.g. 30s, 5m, 1h, 1d' };
  return { ok: true, value: Number(m[1]) * UNIT_MS[m[2]] };
}

/** The shortest way to write `ms` as one of our durations (for answers and defaults). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

const NICE_STEPS_MS = [1, 5, 10, 30].map((s) => s * SECOND_MS)
  .concat([1, 5, 10, 15, 30].map((m) => m * MINUTE_MS))
  .concat([1, 2, 3, 6, 12].map((h) => h * HOUR_MS))
  .concat([1, 7].map((d) => d * DAY_MS));

/**
 * The finest "round" step that is a multiple of `unitMs` and gives at most `targetPoints` buckets
 * over a window; undefined when none does.
 */
export function defaultStep(windowMs: number, targetPoints: number, unitMs = SECOND_MS): number | undefined {
  return NICE_STEPS_MS.find((step) => step % unitMs === 0 && Math.ceil(windowMs / step) <= targetPoints);
}
