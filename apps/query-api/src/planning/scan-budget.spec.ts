import { QueryLimitsConfig } from '@pa/config';
import { QueryParams } from '../params/query-params';
import { planWithinBudget, readResolution, readStep, readWindow } from '../params/window-params';
import { overBudget, scanBudget, scannedSpans, stepUnit } from './scan-budget';
import { planWindow } from './window-plan';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LIMITS: QueryLimitsConfig = {
  maxWindowDays: 93,
  maxRawWindowHours: 48,
  maxMinuteWindowHours: 168,
  maxPointsPerSeries: 10_000,
  maxTopLimit: 1000,
  maxPageSize: 1000,
};
const D = Date.parse('2026-11-29T00:00:00Z');

describe('scannedSpans', () => {
  it('gives each source its own part of the window', () => {
    const window = { from: D - HOUR - 90_000, to: D + DAY + 2 * HOUR + 30_000 };
    expect(scannedSpans(planWindow(window, '1d'))).toEqual({ raw: 60_000, '1m': 60_000, '1h': 3 * HOUR, '1d': DAY });
    expect(scannedSpans(planWindow(window, '1d', 90_000))).toEqual({ raw: window.to - window.from, '1m': 0, '1h': 0, '1d': 0 });
  });
});

describe('stepUnit', () => {
  const budget = scanBudget(LIMITS);

  it('is 1s up to an hour, 1m up to the 1-minute cap, 1h beyond', () => {
    expect(stepUnit({ from: D, to: D + HOUR }, '1d', budget)).toBe(1000);
    expect(stepUnit({ from: D, to: D + HOUR + 1 }, '1d', budget)).toBe(MINUTE);
    expect(stepUnit({ from: D, to: D + 7 * DAY }, '1d', budget)).toBe(MINUTE);
    expect(stepUnit({ from: D, to: D + 7 * DAY + MINUTE }, '1d', budget)).toBe(HOUR);
    expect(stepUnit({ from: D, to: D + 48 * HOUR }, 'raw', scanBudget(LIMITS, 'raw'))).toBe(1000);
  });
});

/** A seeded PRNG (mulberry32), so that a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('every accepted series request stays within its scan budget, whatever the step', () => {
  const STEPS = ['1s', '7s', '30s', '59s', '61s', '90s', '1m', '7m', '59m', '61m', '90m', '1h', '25h', '1d', '7d', '93d', '94d', '1440m', '86400s'];
  const RESOLUTIONS = [undefined, 'raw', '1m', '1h', '1d'];
  const SPANS = [30_000, HOUR, HOUR + 1, 2 * HOUR, DAY, 48 * HOUR, 7 * DAY, 7 * DAY + 1, 30 * DAY, 93 * DAY];
  const next = random(14);

  it('holds for 2,000 random windows, steps and resolutions', () => {
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const spanMs = SPANS[Math.floor(next() * SPANS.length)] - Math.floor(next() * 3 * MINUTE);
      const from = D - Math.floor(next() * 100 * DAY);
      const raw: Record<string, unknown> = {
        from: new Date(from).toISOString(),
        to: new Date(from + Math.max(spanMs, 1)).toISOString(),
        step: STEPS[Math.floor(next() * STEPS.length)],
      };
      const resolution = RESOLUTIONS[Math.floor(next() * RESOLUTIONS.length)];
      if (resolution) raw.resolution = resolution;
      const q = new QueryParams(raw, ['from', 'to', 'step', 'resolution']);
      const window = readWindow(q, LIMITS, D);
      const forced = readResolution(q, window, LIMITS);
      const stepMs = readStep(q, window, LIMITS, forced);
      if (!q.isValid) continue;
      accepted++;
      const plan = planWithinBudget(window, LIMITS, forced, stepMs);
      expect([raw, overBudget(plan, scanBudget(LIMITS, forced))]).toEqual([raw, undefined]);
      expect([raw, Math.ceil((window.to - window.from) / stepMs) <= LIMITS.maxPointsPerSeries]).toEqual([raw, true]);
    }
    // Neither everything refused nor everything accepted: the property is about both sides.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(1800);
  });

  it('throws rather than plan the 93-day raw scan of issue 14 (a bug in the checks would otherwise run it)', () => {
    expect(() => planWithinBudget({ from: D - 93 * DAY, to: D }, LIMITS, undefined, 90_000)).toThrow(/raw rows over 2232 h/);
  });
});
