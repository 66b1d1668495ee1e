import { QueryLimitsConfig } from '@pa/config';
import { ProblemException } from '@pa/http';
import { QueryParams } from './query-params';
import { readResolution, readStep, readWindow } from './window-params';

const LIMITS: QueryLimitsConfig = {
  maxWindowDays: 93,
  maxRawWindowHours: 48,
  maxMinuteWindowHours: 168,
  maxPointsPerSeries: 10_000,
  maxTopLimit: 1000,
  maxPageSize: 1000,
};
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-29T12:00:00Z');

function problems(raw: Record<string, unknown>, read: (q: QueryParams) => void, allowed = ['from', 'to', 'step', 'resolution']): string[] {
  const q = new QueryParams(raw, allowed);
  read(q);
  try {
    q.finish();
    return [];
  } catch (error) {
    return ((error as ProblemException).extras.errors ?? []) as string[];
  }
}

describe('readWindow', () => {
  it('defaults to the hour up to now', () => {
    const q = new QueryParams({}, ['from', 'to']);
    expect(readWindow(q, LIMITS, NOW)).toEqual({ from: NOW - 3_600_000, to: NOW });
  });

  it('names from when from >= to or the window is too long, once per parameter', () => {
    const readAll = (q: QueryParams) => readWindow(q, LIMITS, NOW);
    expect(problems({ from: '2026-11-29T10:00:00Z', to: '2026-11-29T10:00:00Z' }, readAll)).toEqual(['from: must be before to']);
    expect(problems({ from: '2026-01-01T00:00:00Z', to: '2026-11-29T00:00:00Z' }, readAll)[0]).toMatch(/^from: .*93-day maximum/);
    expect(problems({ from: 'soon', to: 'later' }, readAll)).toEqual([
      expect.stringMatching(/^from: must be an RFC 3339/),
      expect.stringMatching(/^to: must be an RFC 3339/),
    ]);
  });
});

describe('readStep', () => {
  const day = { from: Date.parse('2026-11-28T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z') };
  const step = (raw: Record<string, unknown>, window: { from: number; to: number }, limits = LIMITS) =>
    problems(raw, (q) => readStep(q, window, limits, readResolution(q, window, limits)));

  it('refuses a step that gives more points than allowed, and says what would do', () => {
    const week = { from: day.to - 167 * HOUR, to: day.to };
    expect(step({ step: '1m' }, week)).toEqual([expect.stringMatching(/^step: too small for the window from..to: 10020 points, at most 10000; use 2m or more/)]);
    expect(step({ step: '2m' }, week)).toEqual([]);
    expect(step({ step: '1s', resolution: 'raw' }, day)).toEqual([expect.stringMatching(/^step: too small .* 86400 points, at most 10000; use 9s or more/)]);
  });

  it('refuses a step that is not whole minutes over a window longer than an hour, naming the least allowed', () => {
    // The bypass of issue 14: 90s over 93 days read every raw row of the window.
    const months = { from: day.to - 93 * DAY, to: day.to };
    expect(step({ step: '90s' }, months)).toEqual([
      expect.stringMatching(/^step: 90s would read raw rows over 2232 h of the window \(at most 1 h\); over this window use a multiple of 1h, at least 1h$/),
    ]);
    expect(step({ step: '90s' }, day)).toEqual([expect.stringMatching(/^step: 90s would read raw rows over 24 h .*use a multiple of 1m, at least 1m$/)]);
    expect(step({ step: '90s' }, { from: day.from, to: day.from + HOUR })).toEqual([]);
    expect(step({ step: '90s', resolution: 'raw' }, day)).toEqual([]);
  });

  it('refuses a step that reads 1-minute rollups over more than their cap', () => {
    const month = { from: day.to - 30 * DAY, to: day.to };
    expect(step({ step: '61m' }, month)).toEqual([expect.stringMatching(/^step: 61m would read 1-minute rollups over 720 h of the window \(at most 168 h\); .*multiple of 1h/)]);
    expect(step({ step: '2h' }, month)).toEqual([]);
    expect(step({ step: '5m' }, { from: day.to - 7 * DAY, to: day.to })).toEqual([]);
  });

  it('refuses steps longer than the widest window, before they reach PostgreSQL as an interval', () => {
    expect(step({ step: '999999999d' }, day)).toEqual(['step: must be at most 93d (the widest window)']);
    expect(step({ step: '93d' }, day)).toEqual([]);
  });

  it('counts a bucket cut by an unaligned window edge', () => {
    const q = new QueryParams({ step: '1h' }, ['step']);
    expect(readStep(q, { from: 30 * 60_000, to: 90 * 60_000 }, { ...LIMITS, maxPointsPerSeries: 1 })).toBe(HOUR);
    expect(q.isValid).toBe(false);
  });

  it('picks a round default within the points and the scan budget', () => {
    const read = (window: { from: number; to: number }) => readStep(new QueryParams({}, ['step']), window, LIMITS);
    expect(read(day)).toBe(300_000);
    expect(read({ from: day.from, to: day.from + HOUR })).toBe(30_000);
    expect(read({ from: day.from, to: day.from + 2 * HOUR })).toBe(60_000);
    expect(read({ from: day.to - 8 * DAY, to: day.to })).toBe(HOUR);
  });
});

describe('readResolution', () => {
  it('caps the window answered from raw rows', () => {
    const window = { from: 0, to: 49 * 3_600_000 };
    expect(problems({ resolution: 'raw' }, (q) => readResolution(q, window, LIMITS))[0]).toMatch(/^resolution: raw is allowed for windows up to 48 h/);
    expect(problems({ resolution: '5m' }, (q) => readResolution(q, window, LIMITS))[0]).toMatch(/^resolution: must be one of raw, 1m, 1h, 1d/);
    expect(problems({ resolution: '1m' }, (q) => readResolution(q, window, LIMITS))).toEqual([]);
  });

  it('caps the window answered from 1-minute rollups', () => {
    const window = { from: 0, to: 169 * HOUR };
    expect(problems({ resolution: '1m' }, (q) => readResolution(q, window, LIMITS))[0]).toMatch(/^resolution: 1m is allowed for windows up to 168 h/);
    expect(problems({ resolution: '1h' }, (q) => readResolution(q, { from: 0, to: 93 * DAY }, LIMITS))).toEqual([]);
  });
});

describe('QueryParams', () => {
  it('names unknown and repeated parameters without echoing values', () => {
    const errors = problems({ metric: ['a', 'b'], "x'; DROP TABLE snapshots; --": '1' }, (q) => q.text('metric'), ['metric']);
    expect(errors).toEqual([
      "x'; DROP TABLE snapshots; --: unknown parameter (accepted: metric)",
      'metric: must be given once',
    ]);
  });

  it('reads bounded integers and booleans', () => {
    expect(problems({ limit: '0' }, (q) => q.int('limit', { min: 1, max: 5 }, 1), ['limit'])).toEqual(['limit: must be a whole number from 1 to 5']);
    expect(problems({ limit: '1e3' }, (q) => q.int('limit', { min: 1, max: 5000 }, 1), ['limit'])).toHaveLength(1);
    expect(problems({ allow_partial: 'yes' }, (q) => q.bool('allow_partial', false), ['allow_partial'])).toEqual(['allow_partial: must be true or false']);
  });
});
