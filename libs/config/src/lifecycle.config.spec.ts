import { loadLifecycleConfig, parseDuration } from './lifecycle.config';

describe('loadLifecycleConfig', () => {
  it('defaults: 2 days of lateness, a run a minute, every day, no test hooks', () => {
    const config = loadLifecycleConfig({});
    expect(config.latenessMs).toBe(2 * 86_400_000);
    expect(config.intervalMs).toBe(60_000);
    expect(config.onlyDays).toBeUndefined();
    expect(config.stopAt).toBeUndefined();
    expect(config.corruptForTest).toBe(false);
    expect(config.http.port).toBe(8084);
  });

  it('reads durations, days and stop points', () => {
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('2 days')).toBeUndefined();
    const config = loadLifecycleConfig({ LIFECYCLE_LATENESS: '1d', LIFECYCLE_DAYS: '2026-11-27,2026-11-28', LIFECYCLE_STOP_AT: 'after-verify' });
    expect(config.latenessMs).toBe(86_400_000);
    expect(config.onlyDays).toEqual(['2026-11-27', '2026-11-28']);
    expect(config.stopAt).toBe('after-verify');
  });

  it('names every bad variable at once', () => {
    expect(() => loadLifecycleConfig({ LIFECYCLE_LATENESS: 'soon', LIFECYCLE_DAYS: '2026-13-45', LIFECYCLE_STOP_AT: 'midway' })).toThrow(
      /LIFECYCLE_LATENESS="soon"[\s\S]*LIFECYCLE_DAYS=[\s\S]*LIFECYCLE_STOP_AT="midway"/,
    );
  });
});
