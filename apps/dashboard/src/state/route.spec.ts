import { formatRoute, parseRoute, readTimeRange, writeTimeRange } from './route';
import { chartStep, resolveRange } from './time-range';

describe('dashboard URL scheme', () => {
  it('round-trips every view, ids with any character included', () => {
    for (const hash of ['#/fleet?range=24h&metric=rss_bytes', '#/machine/sim-0001?range=custom&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z&at=x', '#/process/kworker%2F0%3A1-events?range=6h']) {
      expect(formatRoute(parseRoute(hash))).toBe(hash);
    }
    expect(parseRoute('#/process/kworker%2F0%3A1-events').id).toBe('kworker/0:1-events');
    expect(parseRoute('#/nowhere').view).toBe('fleet');
    expect(parseRoute('').view).toBe('fleet');
  });

  it('reads and writes the time range; a bad custom range falls back to the last hour', () => {
    const params = new URLSearchParams();
    writeTimeRange(params, { range: 'custom', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2), live: true });
    expect(params.toString()).toBe('range=custom&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z');
    expect(readTimeRange(params)).toEqual({ range: 'custom', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2), live: false });
    expect(readTimeRange(new URLSearchParams('range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'))).toEqual({ range: '1h', live: false });
    expect(readTimeRange(new URLSearchParams('range=7d&live=1'))).toEqual({ range: '7d', live: true });
    expect(readTimeRange(new URLSearchParams('range=2y'))).toEqual({ range: '1h', live: false });
  });

  it('resolves relative ranges to whole seconds before now, and picks round steps', () => {
    expect(resolveRange({ range: '15m', live: false }, 1_000_000_500)).toEqual({ from: 1_000_000_000 - 900_000, to: 1_000_000_000 });
    expect(chartStep(86_400_000, 240)).toBe('10m');
    expect(chartStep(7 * 86_400_000, 600)).toBe('30m');
    expect(chartStep(900_000, 240)).toBe('5s');
  });

  it('keeps steps within the query API\'s scan budget: whole minutes past an hour, whole hours past a week', () => {
    expect(chartStep(3 * 3_600_000, 600)).toBe('1m');
    expect(chartStep(3_600_000, 600)).toBe('10s');
    expect(chartStep(8 * 86_400_000, 10_000)).toBe('1h');
  });
});
