import { DAY_MS, HOUR_MS, MINUTE_MS } from '../params/time';

/** Default thresholds of the leak test (GET /v1/insights/leaks overrides each). */
export const LEAK_DEFAULTS = {
  /** the line must explain this share of the variance of the bucket means */
  minR2: 0.8,
  /** slower growth is not worth an alert: 1 MiB per hour */
  minGrowthBytesPerHour: 1024 * 1024,
  /** a fall below the running peak larger than this share of the fitted growth is a GC or a restart, not a leak */
  maxDrawdownRatio: 0.25,
  /** the name must have samples in this share of the window's buckets ("steadily": not a blip) */
  minCoverage: 0.8,
} as const;

/** Fewer buckets than this make no trend. */
export const LEAK_MIN_POINTS = 8;
/** Buckets a leak fit uses at most: bounds the rows read per (machine, name). */
export const LEAK_MAX_BUCKETS = 60;
/** Widest leak window: with 1-hour rollups, 7 days is 168 rows per (machine, name) at most. */
export const LEAK_MAX_WINDOW_MS = 7 * DAY_MS;

/** Default windows of the missing-process test. */
export const MISSING_DEFAULTS = {
  /** "absent for the last N minutes" */
  recentMs: 10 * MINUTE_MS,
  /** the window before that in which the name must have run */
  baselineMs: HOUR_MS,
  /** share of the machine's reporting baseline buckets in which the name ran */
  minPresence: 0.8,
  /** share of the recent window's minutes in which the machine must have sent snapshots */
  minRecentCoverage: 0.5,
} as const;

/** Baseline buckets at most (presence is counted per bucket). */
export const MISSING_BASELINE_BUCKETS = 12;
/** A baseline with fewer reporting buckets than this says nothing. */
export const MISSING_MIN_BASELINE_BUCKETS = 3;
export const MISSING_MAX_BASELINE_MS = 7 * DAY_MS;
export const MISSING_MAX_RECENT_MS = DAY_MS;

/** Largest list an insight answers with (and the number of labelled gauges). */
export const INSIGHT_MAX_ITEMS = 500;
export const INSIGHT_DEFAULT_ITEMS = 100;

/** Bucket widths an insight may use: each divides the next larger rollup level or is a multiple of it. */
export const INSIGHT_STEPS_MS = [1, 2, 5, 10, 15, 30].map((m) => m * MINUTE_MS).concat([1, 2, 3, 6, 12, 24].map((h) => h * HOUR_MS));

/** How often the Prometheus gauges are recomputed (over the default windows up to then). */
export const INSIGHT_GAUGE_INTERVAL_MS = 60_000;
