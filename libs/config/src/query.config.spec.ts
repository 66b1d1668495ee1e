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

  it('gives /v1/top generic plans from their own pool by default, in each transaction on request, and names a bad value', () => {
    expect(loadQueryConfig({}).topGenericPlansBy).toBe('pool');
    expect(loadQueryConfig({ QUERY_TOP_GENERIC_PLANS_BY: 'transaction' }).topGenericPlansBy).toBe('transaction');
    expect(() => loadQueryConfig({ QUERY_TOP_GENERIC_PLANS_BY: 'session' })).toThrow(/QUERY_TOP_GENERIC_PLANS_BY/);
  });
});
