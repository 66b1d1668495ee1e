// RFC 3339 instants and durations as the API accepts them. Pure functions: each returns a value or
// a reason (a string) so that the caller can name the parameter.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DURATION = /^([1-9]\d{0,8})(s|m|h|d)$/;

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Epoch ms of an RFC 3339 time with a zone ("2026-11-29T10:00:00Z", "...+02:00"). Digits past the
 * millisecond round up: stored instants are whole milliseconds, so ceil keeps `[from, to)`
 * meaning the same rows for either bound.
 */
export function parseInstant(text: string): Parsed<number> {
  const m = RFC3339.exec(text);
  if (!m) return { ok: false, reason: 'must be an RFC 3339 time with a zone, e.g. 2026-11-29T10:00:00Z' };
  const [, y, mo, d, h, mi, s, fraction = '', z, sign, oh, om] = m;
  if (Number(y) < 1970) return { ok: false, reason: 'must not be before 1970' };
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(base);
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches impossible dates and times.
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return { ok: false, reason: 'is not a valid date and time' };
  }
  if (!z && (Number(oh) > 23 || Number(om) > 59)) return { ok: false, reason: 'has an invalid zone offset' };
  const offsetMs = z ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * HOUR_MS + Number(om) * MINUTE_MS);
  const nanos = fraction.padEnd(9, '0');
  const fractionMs = Number(nanos.slice(0, 3)) + (Number(nanos.slice(3)) > 0 ? 1 : 0);
  return { ok: true, value: base + fractionMs - offsetMs };
}

/** Epoch ms of a UTC calendar date "YYYY-MM-DD" (its midnight). */
export function parseDate(text: string): Parsed<number> {
  const m = DATE.exec(text);
  if (!m) return { ok: false, reason: 'must be a date YYYY-MM-DD (UTC)' };
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number(m[1]) < 1970 || new Date(ms).toISOString().slice(0, 10) !== text) return { ok: false, reason: 'is not a valid date' };
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

/** The finest "round" step that gives at most `targetPoints` buckets over a window. */
export function defaultStep(windowMs: number, targetPoints: number): number {
  return NICE_STEPS_MS.find((step) => Math.ceil(windowMs / step) <= targetPoints) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
}
