import { ConfigError } from './env-reader';
import { loadQueryConfig } from './query.config';

describe('loadQueryConfig', () => {
  it('gives the documented limits by default', () => {
    expect(loadQueryConfig({}).limits).toEqual({
      maxWindowDays: 93,
      maxRawWindowHours: 48,
      maxMinuteWindowHours: 168,
      maxPointsPerSeries: 10_081,
      maxTopLimit: 1_000,
      maxPageSize: 1_000,
    });
  });

  it('reads the 1-minute rollup cap and names it when it is bad', () => {
    expect(loadQueryConfig({ QUERY_MAX_MINUTE_WINDOW_HOURS: '24' }).limits.maxMinuteWindowHours).toBe(24);
    expect(() => loadQueryConfig({ QUERY_MAX_MINUTE_WINDOW_HOURS: '0' })).toThrow(ConfigError);
    expect(() => loadQueryConfig({ QUERY_MAX_MINUTE_WINDOW_HOURS: '0' })).toThrow(/QUERY_MAX_MINUTE_WINDOW_HOURS/);
  });
});
