import { loadLifecycleConfig, parseDuration } from './lifecycle.config';
import { loadGatewayConfig } from './gateway.config';
import { loadWriterConfig } from './writer.config';

describe('loadLifecycleConfig', () => {
  it('defaults: 2 days of lateness, a run a minute, every day, no test hooks', () => {
    const config = loadLifecycleConfig({});
    expect(config.latenessMs).toBe(2 * 86_400_000);
    expect(config.intervalMs).toBe(60_000);
    expect(config.onlyDays).toBeUndefined();
    expect(config.stopAt).toBeUndefined();
    expect(config.corruptForTest).toBe(false);
    expect(config.http.port).toBe(8084);
    expect(config.retention).toMatchObject({ rawMs: 30 * 86_400_000, rollup1mMs: 30 * 86_400_000, rollup1hMs: 400 * 86_400_000, restoreHoldMs: 7 * 86_400_000 });
    expect(config.retention.archiveDir).toMatch(/var\/archive$/);
    expect(config.retention.archiveKeyFile).toMatch(/var\/secrets\/archive\.key$/);
  });

  it('one raw retention for the gateway, the writer and the lifecycle (RETENTION_DAYS)', () => {
    const env = { RETENTION_DAYS: '12', ARCHIVE_DIR: '/data/archive', ARCHIVE_KEY_FILE: '/keys/a.key', LIFECYCLE_STOP_AT: 'after-detach' };
    const config = loadLifecycleConfig(env);
    expect(config.retention).toMatchObject({ rawMs: 12 * 86_400_000, archiveDir: '/data/archive', archiveKeyFile: '/keys/a.key' });
    expect(config.stopAt).toBe('after-detach');
    expect(loadGatewayConfig({ ...env, KAFKA_BROKERS: 'k:9092' }).retentionMs).toBe(config.retention.rawMs);
    expect(loadWriterConfig({ ...env, KAFKA_BROKERS: 'k:9092' }).retentionMs).toBe(config.retention.rawMs);
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
