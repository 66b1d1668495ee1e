import { QueryLimitsConfig } from '@pa/config';
import { describeOverrun, scanBudget, stepUnit } from '../planning/scan-budget';
import { RESOLUTIONS, Range, Resolution, WindowPlan, maxResolution, planWindow } from '../planning/window-plan';
import { QueryParams } from './query-params';
import { DAY_MS, END_OF_TIME_MS, HOUR_MS, defaultStep, formatDuration } from './time';

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
  // Only a defaulted `to` (from + 1 ms) can get there: a given one is before END_OF_TIME_MS.
  else if (to >= END_OF_TIME_MS) q.problem('from', 'leaves no window before 10000-01-01T00:00:00Z');
  else if (to - from > limits.maxWindowDays * DAY_MS) {
    q.problem('from', `the window from..to is longer than the ${limits.maxWindowDays}-day maximum`);
  }
  return { from, to };
}

/**
 * `resolution`: forces raw rows or a rollup level (benchmarks, checks). Raw rows and 1-minute
 * rollups have their own window caps (see scan-budget.ts).
 */
export function readResolution(q: QueryParams, window: Range, limits: QueryLimitsConfig): Resolution | undefined {
  const forced = q.choice('resolution', RESOLUTIONS);
  if (q.hasProblem('from') || q.hasProblem('to')) return forced;
  const windowMs = window.to - window.from;
  if (forced === 'raw' && windowMs > limits.maxRawWindowHours * HOUR_MS) {
    q.problem('resolution', `raw is allowed for windows up to ${limits.maxRawWindowHours} h; narrow from..to or let the API choose`);
  } else if (forced === '1m' && windowMs > limits.maxMinuteWindowHours * HOUR_MS) {
    q.problem('resolution', `1m is allowed for windows up to ${limits.maxMinuteWindowHours} h; narrow from..to or let the API choose`);
  }
  return forced;
}

/**
 * `step` of a series. It must be a multiple of the unit that keeps the scan within budget (a step
 * that is not a whole number of minutes can only be answered from raw rows, since rollup buckets
 * would straddle its buckets), give at most `maxPointsPerSeries` buckets, and be at most the
 * widest window. A refusal names the least step allowed. By default: a round step of about
 * DEFAULT_POINTS buckets.
 */
export function readStep(q: QueryParams, window: Range, limits: QueryLimitsConfig, forced?: Resolution): number {
  const step = q.duration('step');
  // Without a window or resolution there is nothing to check the step against; the request is refused anyway.
  if (q.hasProblem('from') || q.hasProblem('to') || q.hasProblem('resolution')) return step ?? DAY_MS;
  const max = maxResolution(window, forced);
  const budget = scanBudget(limits, forced);
  const unit = stepUnit(window, max, budget);
  const least = leastStep(window, unit, limits.maxPointsPerSeries);
  if (step === undefined) return defaultStep(window.to - window.from, Math.min(DEFAULT_POINTS, limits.maxPointsPerSeries), unit) ?? least;
  if (step > limits.maxWindowDays * DAY_MS) {
    q.problem('step', `must be at most ${limits.maxWindowDays}d (the widest window)`);
  } else if (step % unit !== 0) {
    const overrun = describeOverrun(planWindow(window, max, step), budget);
    q.problem('step', `${formatDuration(step)} would read ${overrun}; over this window use a multiple of ${formatDuration(unit)}, at least ${formatDuration(least)}`);
  } else if (points(window, step) > limits.maxPointsPerSeries) {
    const n = points(window, step);
    q.problem('step', `too small for the window from..to: ${n} points, at most ${limits.maxPointsPerSeries}; use ${formatDuration(least)} or more`);
  }
  return step;
}

/** Buckets start at multiples of the step, so a window can touch one more bucket than it spans. */
function points(window: Range, step: number): number {
  return Math.floor((window.to - 1) / step) - Math.floor(window.from / step) + 1;
}

/** The smallest multiple of `unit` that gives at most `maxPoints` buckets over the window. */
function leastStep(window: Range, unit: number, maxPoints: number): number {
  let step = Math.max(unit, Math.ceil((window.to - window.from) / maxPoints / unit) * unit);
  while (points(window, step) > maxPoints) step += unit;
  return step;
}

/**
 * The plan of a validated request. Every parameter check above keeps it within the scan budget;
 * a plan over it is a bug here, and answering it could scan months of raw rows, so it throws.
 */
export function planWithinBudget(window: Range, limits: QueryLimitsConfig, forced?: Resolution, stepMs?: number): WindowPlan {
  const plan = planWindow(window, maxResolution(window, forced), stepMs);
  const overrun = describeOverrun(plan, scanBudget(limits, forced));
  if (overrun) throw new Error(`query plan over its scan budget: it would read ${overrun}`);
  return plan;
}

/** `allow_partial`: answer without the shards that are down (the answer says which). */
export function readAllowPartial(q: QueryParams): boolean {
  return q.bool('allow_partial', false);
}
