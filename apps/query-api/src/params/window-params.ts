import { QueryLimitsConfig } from '@pa/config';
import { RESOLUTIONS, Range, Resolution } from '../planning/window-plan';
import { QueryParams } from './query-params';
import { DAY_MS, HOUR_MS, defaultStep, formatDuration } from './time';

/** Points of a series when no step is given: a chart's worth. */
export const DEFAULT_POINTS = 300;

/**
 * `from` and `to` (RFC 3339, half-open): by default the hour up to now. Problems: from >= to, a
 * window longer than the configured maximum.
 */
export function readWindow(q: QueryParams, limits: QueryLimitsConfig, nowMs: number): Range {
  const fromGiven = q.instant('from');
  const toGiven = q.instant('to');
  const to = toGiven ?? (fromGiven !== undefined ? Math.max(nowMs, fromGiven + 1) : nowMs);
  const from = fromGiven ?? to - HOUR_MS;
  if (q.hasProblem('from') || q.hasProblem('to')) return { from, to };
  if (from >= to) q.problem('from', 'must be before to');
  else if (to - from > limits.maxWindowDays * DAY_MS) {
    q.problem('from', `the window from..to is longer than the ${limits.maxWindowDays}-day maximum`);
  }
  return { from, to };
}

/** `resolution`: forces raw rows or a rollup level (benchmarks, checks); raw windows have their own cap. */
export function readResolution(q: QueryParams, window: Range, limits: QueryLimitsConfig): Resolution | undefined {
  const forced = q.choice('resolution', RESOLUTIONS);
  if (forced === 'raw' && !q.hasProblem('from') && window.to - window.from > limits.maxRawWindowHours * HOUR_MS) {
    q.problem('resolution', `raw is allowed for windows up to ${limits.maxRawWindowHours} h; narrow from..to or let the API choose`);
  }
  return forced;
}

/** `step` of a series: at most `maxPointsPerSeries` buckets over the window; a round default. */
export function readStep(q: QueryParams, window: Range, limits: QueryLimitsConfig): number {
  const windowMs = Math.max(window.to - window.from, 1);
  const step = q.duration('step');
  if (step === undefined || q.hasProblem('from') || q.hasProblem('to')) return step ?? defaultStep(windowMs, Math.min(DEFAULT_POINTS, limits.maxPointsPerSeries));
  // Buckets start at multiples of the step, so a window can touch one more bucket than it spans.
  const points = Math.floor((window.to - 1) / step) - Math.floor(window.from / step) + 1;
  if (points > limits.maxPointsPerSeries) {
    const least = Math.ceil(windowMs / limits.maxPointsPerSeries / 1000) * 1000;
    q.problem('step', `too small for the window: ${points} points, at most ${limits.maxPointsPerSeries}; use ${formatDuration(least)} or more`);
  }
  return step;
}

/** `allow_partial`: answer without the shards that are down (the answer says which). */
export function readAllowPartial(q: QueryParams): boolean {
  return q.bool('allow_partial', false);
}
