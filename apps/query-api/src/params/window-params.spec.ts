import { QueryLimitsConfig } from '@pa/config';
import { ProblemException } from '@pa/http';
import { QueryParams } from './query-params';
import { readResolution, readStep, readWindow } from './window-params';

const LIMITS: QueryLimitsConfig = { maxWindowDays: 93, maxRawWindowHours: 48, maxPointsPerSeries: 10_000, maxTopLimit: 1000, maxPageSize: 1000 };
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
  const window = { from: Date.parse('2026-11-28T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z') };

  it('refuses a step that gives more points than allowed, and says what would do', () => {
    const errors = problems({ step: '1s' }, (q) => readStep(q, window, LIMITS));
    expect(errors).toEqual([expect.stringMatching(/^step: too small for the window: 86400 points, at most 10000; use 9s or more/)]);
    expect(problems({ step: '9s' }, (q) => readStep(q, window, LIMITS))).toEqual([]);
  });

  it('counts a bucket cut by an unaligned window edge', () => {
    const q = new QueryParams({ step: '1h' }, ['step']);
    expect(readStep(q, { from: 30 * 60_000, to: 90 * 60_000 }, { ...LIMITS, maxPointsPerSeries: 1 })).toBe(3_600_000);
    expect(q.isValid).toBe(false);
  });

  it('picks a round default', () => {
    const q = new QueryParams({}, ['step']);
    expect(readStep(q, window, LIMITS)).toBe(300_000);
  });
});

describe('readResolution', () => {
  it('caps the window answered from raw rows', () => {
    const window = { from: 0, to: 49 * 3_600_000 };
    expect(problems({ resolution: 'raw' }, (q) => readResolution(q, window, LIMITS))[0]).toMatch(/^resolution: raw is allowed for windows up to 48 h/);
    expect(problems({ resolution: '5m' }, (q) => readResolution(q, window, LIMITS))[0]).toMatch(/^resolution: must be one of raw, 1m, 1h, 1d/);
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
