import { planWindow } from '../planning/window-plan';
import { processMachinesSql } from '../process-machines/process-machines.sql';
import { LEAK_DEFAULTS } from './insights.constants';
import { leaksSql } from './leaks.sql';
import { presenceSql, recentNamesSql, reportsSql } from './missing.sql';

const HOUR = 3_600_000;
const FROM = Date.UTC(2026, 10, 1, 10, 7, 13);
const NASTY = "x'; DROP TABLE snapshots; --";

describe('insight statements', () => {
  const statements = () => {
    const plan = planWindow({ from: FROM, to: FROM + 6 * HOUR }, '1d', 10 * 60_000);
    const scope = { prefix: NASTY, tenant: [] };
    return [
      leaksSql({ plan, stepMs: 10 * 60_000, scope, thresholds: LEAK_DEFAULTS, minPoints: 29, limit: 100 }),
      presenceSql(planWindow({ from: FROM, to: FROM + HOUR }, '1h', 300_000), 300_000, scope),
      recentNamesSql(planWindow({ from: FROM + HOUR, to: FROM + HOUR + 600_000 }, '1m'), { machineId: NASTY, tenant: [] }),
      reportsSql(FROM, FROM + HOUR, FROM + HOUR + 600_000, 300_000, scope),
      processMachinesSql({ name: NASTY, metric: 'rss_bytes', order: 'avg', limit: 20, plan, tenant: [] }),
    ];
  };

  it('carry every value as a bind parameter, never in the text', () => {
    for (const sql of statements()) {
      expect(sql.text).not.toContain('DROP TABLE');
      expect(sql.values).toContain(NASTY);
      const placeholders = new Set([...sql.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
      expect(Math.max(...placeholders)).toBe(sql.values.length);
    }
  });

  it('read rollups for the aligned part of a leak window and raw rows only at its edges and in dirty minutes', () => {
    const [leaks] = statements();
    expect(leaks.text).toContain('process_rollup_1m');
    expect(leaks.text).not.toContain('process_rollup_1h'); // 10-minute buckets: 1-hour rollups would straddle them
    expect(leaks.text).toContain('regr_slope(y, x)');
    // two edges, dirty runs; raw rows of every form (heap and compressed: docs/lifecycle.md)
    expect(leaks.text.match(/FROM process_samples_between\([^)]*\) a/g)?.length).toBe(3);
  });
});
