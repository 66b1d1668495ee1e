import { formatBytes, formatLocal, formatMetric, formatPct, formatUtc } from './format';

describe('dashboard units', () => {
  it('shows bytes in binary units with 3 significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(formatBytes(2.01 * 1024 ** 3)).toBe('2.01 GiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
    expect(formatBytes(-1536)).toBe('-1.50 KiB');
  });

  it('shows percentages (100 % = one core) and picks the unit by metric', () => {
    expect(formatPct(0.125)).toBe('0.13 %');
    expect(formatPct(12.34)).toBe('12.3 %');
    expect(formatPct(250)).toBe('250 %');
    expect(formatMetric('rss_bytes', 4096)).toBe('4.00 KiB');
    expect(formatMetric('cpu_pct', null)).toBe('–');
  });

  it('shows UTC marked as such', () => {
    expect(formatUtc(Date.UTC(2026, 11, 1, 13, 5, 7))).toBe('2026-12-01 13:05:07 UTC');
    expect(formatLocal(Date.UTC(2026, 11, 1, 13, 5, 7))).toMatch(/^2026-12-01 \d\d:05:07$/);
  });
});
