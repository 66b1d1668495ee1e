import { maxResolution, planWindow, subtract, usedLevels } from './window-plan';

const at = (iso: string) => Date.parse(iso);
const range = (from: string, to: string) => ({ from: at(from), to: at(to) });

describe('maxResolution', () => {
  it('uses raw rows below an hour, rollups from an hour on, unless forced', () => {
    expect(maxResolution(range('2026-11-29T10:00:00Z', '2026-11-29T10:59:59.999Z'))).toBe('raw');
    expect(maxResolution(range('2026-11-29T10:00:00Z', '2026-11-29T11:00:00Z'))).toBe('1d');
    expect(maxResolution(range('2026-11-29T10:00:00Z', '2026-11-30T11:00:00Z'), 'raw')).toBe('raw');
    expect(maxResolution(range('2026-11-29T10:00:00Z', '2026-11-29T10:10:00Z'), '1m')).toBe('1m');
  });
});

describe('planWindow', () => {
  it('nests the aligned part of each level inside the finer one, raw at the unaligned edges', () => {
    const plan = planWindow(range('2026-11-27T22:17:23.5Z', '2026-11-29T01:30:10Z'), '1d');
    expect(plan.resolution).toBe('1d');
    expect(plan.levels).toEqual({
      '1m': range('2026-11-27T22:18:00Z', '2026-11-29T01:30:00Z'),
      '1h': range('2026-11-27T23:00:00Z', '2026-11-29T01:00:00Z'),
      '1d': range('2026-11-28T00:00:00Z', '2026-11-29T00:00:00Z'),
    });
    expect(usedLevels(plan)).toEqual(['1m', '1h', '1d']);
  });

  it('uses only levels whose buckets fit the window', () => {
    const plan = planWindow(range('2026-11-29T10:30:00Z', '2026-11-29T11:45:00Z'), '1d');
    expect(plan.levels).toEqual({ '1m': range('2026-11-29T10:30:00Z', '2026-11-29T11:45:00Z') });
    expect(plan.resolution).toBe('1m');
  });

  it('an aligned window is one level, nothing raw', () => {
    const plan = planWindow(range('2026-11-28T00:00:00Z', '2026-11-29T00:00:00Z'), '1d');
    expect(plan.resolution).toBe('1d');
    expect(subtract(plan.window, plan.levels['1m'])).toEqual([]);
  });

  it('stops at the forced resolution', () => {
    const window = range('2026-11-27T00:00:00Z', '2026-11-29T00:00:00Z');
    expect(planWindow(window, '1h').resolution).toBe('1h');
    expect(planWindow(window, 'raw')).toEqual({ window, levels: {}, resolution: 'raw' });
  });

  it('with a step, uses only levels whose width divides the step', () => {
    const window = range('2026-11-27T00:00:00Z', '2026-11-29T00:00:00Z');
    expect(planWindow(window, '1d', 86_400_000).resolution).toBe('1d');
    expect(planWindow(window, '1d', 2 * 3_600_000).resolution).toBe('1h');
    expect(planWindow(window, '1d', 90 * 60_000).resolution).toBe('1m');
    expect(planWindow(window, '1d', 30_000).resolution).toBe('raw');
    expect(planWindow(window, '1d', 90_000).resolution).toBe('raw');
  });

  it('handles windows shorter than a minute', () => {
    const plan = planWindow(range('2026-11-29T10:00:10Z', '2026-11-29T10:00:50Z'), '1d');
    expect(plan).toEqual({ window: plan.window, levels: {}, resolution: 'raw' });
  });
});

describe('subtract', () => {
  it('returns the parts of outer outside inner, dropping empty ones', () => {
    expect(subtract({ from: 0, to: 10 }, { from: 2, to: 5 })).toEqual([
      { from: 0, to: 2 },
      { from: 5, to: 10 },
    ]);
    expect(subtract({ from: 0, to: 10 }, { from: 0, to: 10 })).toEqual([]);
    expect(subtract({ from: 0, to: 10 }, undefined)).toEqual([{ from: 0, to: 10 }]);
  });
});
