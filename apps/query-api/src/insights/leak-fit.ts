/**
 * The leak test, on the per-bucket mean RSS of one process name on one machine.
 *
 * A leak is memory that grows and is never given back. So a suspect must:
 *   1. have samples in most buckets of the window (coverage): it ran throughout;
 *   2. grow: the least-squares slope is at least the growth threshold;
 *   3. grow steadily: the line explains most of the variance (R² high), which noise around a
 *      flat level does not;
 *   4. never give much back: the largest fall below the running peak (drawdown) is small next to
 *      the growth over the window. A garbage-collected heap (sawtooth: climbs, then drops to its
 *      floor) fails here even when the window holds only a few teeth and the fit looks good;
 *      a process restarted with a fresh heap fails the same way.
 * Means per bucket rather than single samples: rollups hold sums and counts, so the test reads one
 * row per bucket, and averaging removes sample noise. A name with several processes (workers) is
 * tested on their mean, so one leaking worker among many shows a diluted slope.
 * This is a statistical screen, not a proof: it flags what a person should look at.
 */

export interface LeakThresholds {
  minR2: number;
  minGrowthBytesPerHour: number;
  maxDrawdownRatio: number;
  minCoverage: number;
}

/** What the shard computes per (machine, name); leaks.sql.ts computes the same in SQL. */
export interface LeakStats {
  points: number;
  /** bytes per second */
  slope: number;
  r2: number | null;
  /** the line's value at the first and the last bucket */
  fittedStart: number;
  fittedEnd: number;
  maxDrawdown: number;
}

/** One bucket: its start (epoch s) and the mean RSS of the name's samples in it (bytes). */
export interface BucketMean {
  x: number;
  y: number;
}

/** Least-squares line, R² and drawdown of bucket means (ordered by x), as regr_slope/regr_r2 compute them. */
export function leakStats(points: BucketMean[]): LeakStats {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  // PostgreSQL's regr_r2: NULL without x variance, 1 without y variance.
  const r2 = sxx === 0 ? null : syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  let peak = -Infinity;
  let maxDrawdown = 0;
  for (const p of points) {
    peak = Math.max(peak, p.y);
    maxDrawdown = Math.max(maxDrawdown, peak - p.y);
  }
  const at = (x: number) => my + slope * (x - mx);
  return { points: n, slope, r2, fittedStart: at(points[0].x), fittedEnd: at(points[n - 1].x), maxDrawdown };
}

/** Whether the stats over a window of `buckets` buckets make a leak suspect. */
export function isLeakSuspect(stats: LeakStats, buckets: number, t: LeakThresholds): boolean {
  const growth = stats.fittedEnd - stats.fittedStart;
  return (
    stats.points >= Math.max(2, Math.ceil(t.minCoverage * buckets)) &&
    stats.slope * 3600 >= t.minGrowthBytesPerHour &&
    stats.r2 !== null &&
    stats.r2 >= t.minR2 &&
    stats.maxDrawdown <= t.maxDrawdownRatio * growth
  );
}
