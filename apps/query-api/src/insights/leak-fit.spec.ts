import { BucketMean, LeakThresholds, isLeakSuspect, leakStats } from './leak-fit';

const MIB = 1024 * 1024;
const T: LeakThresholds = { minR2: 0.8, minGrowthBytesPerHour: MIB, maxDrawdownRatio: 0.25, minCoverage: 0.8 };
const STEP_S = 60;

/** A deterministic wobble in [-1, 1] (no Math.random: the cases must not flake). */
const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 4.1414) * 0.5;

function series(n: number, y: (i: number) => number): BucketMean[] {
  return Array.from({ length: n }, (_, i) => ({ x: 1_700_000_000 + i * STEP_S, y: y(i) }));
}

const suspect = (points: BucketMean[]) => isLeakSuspect(leakStats(points), points.length, T);

describe('leak test', () => {
  it('flags a steady leak of 20 MiB/h under noise', () => {
    const points = series(60, (i) => 200 * MIB + (20 * MIB * i) / 60 + wobble(i) * 0.3 * MIB);
    const stats = leakStats(points);
    expect(stats.slope * 3600).toBeGreaterThan(19 * MIB);
    expect(stats.r2).toBeGreaterThan(0.99);
    expect(suspect(points)).toBe(true);
  });

  it('flags a slow leak of 2 MiB/h on a big heap', () => {
    expect(suspect(series(60, (i) => 4096 * MIB + (2 * MIB * i) / 60 + wobble(i) * 0.05 * MIB))).toBe(true);
  });

  it('does not flag a garbage-collected sawtooth (climbs 30 MiB in 15 min, drops to its floor)', () => {
    expect(suspect(series(60, (i) => 300 * MIB + (i % 15) * 2 * MIB + wobble(i) * 0.2 * MIB))).toBe(false);
  });

  it('does not flag a sawtooth seen for little more than one tooth, where the line fits fairly well', () => {
    const points = series(60, (i) => 300 * MIB + (i % 57) * 2 * MIB);
    const stats = leakStats(points);
    expect(stats.r2).toBeGreaterThan(0.5);
    // Even with the R² bar lowered to what this fit reaches, the drop below the peak rules it out.
    expect(isLeakSuspect(stats, 60, { ...T, minR2: 0.5 })).toBe(false);
  });

  it('does flag a sawtooth whose floor rises (a leak under a GC)', () => {
    // Teeth of 5 buckets: the means per bucket carry the floor up, the drops stay small next to it.
    const points = series(60, (i) => 300 * MIB + i * 1 * MIB + (i % 5) * 0.2 * MIB);
    expect(suspect(points)).toBe(true);
  });

  it('does not flag noise around a flat level, nor a flat line', () => {
    expect(suspect(series(60, (i) => 500 * MIB + wobble(i) * 20 * MIB))).toBe(false);
    expect(suspect(series(60, () => 500 * MIB))).toBe(false);
  });

  it('does not flag a process restarted with a fresh heap mid-window', () => {
    expect(suspect(series(60, (i) => 100 * MIB + ((i + 30) % 60) * MIB))).toBe(false);
  });

  it('does not flag growth below the threshold, nor a process seen in too few buckets', () => {
    expect(suspect(series(60, (i) => 100 * MIB + (0.5 * MIB * i) / 60))).toBe(false);
    const few = series(30, (i) => 100 * MIB + (20 * MIB * i) / 60);
    expect(isLeakSuspect(leakStats(few), 60, T)).toBe(false);
  });

  it('computes what regr_slope and regr_r2 compute', () => {
    const stats = leakStats([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 2 },
      { x: 3, y: 5 },
    ]);
    expect(stats.slope).toBeCloseTo(1.1, 12);
    expect(stats.r2).toBeCloseTo(0.6914285714285714, 12);
    expect(stats.maxDrawdown).toBe(1);
    expect(stats.fittedStart).toBeCloseTo(1.1, 12);
    expect(stats.fittedEnd).toBeCloseTo(4.4, 12);
  });
});
