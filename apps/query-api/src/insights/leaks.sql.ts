import { WindowPlan } from '../planning/window-plan';
import { LayeredSpec, layeredSql, rollupTable } from '../sql/layered-query';
import { BoundSql, SqlParams } from '../sql/sql-params';
import { MachineScope, scopeCondition, stepBinner } from './insight-sql';
import { LeakThresholds } from './leak-fit';

export interface LeakQuery {
  plan: WindowPlan;
  stepMs: number;
  scope: MachineScope;
  thresholds: LeakThresholds;
  /** least buckets with samples (coverage × buckets of the window) */
  minPoints: number;
  limit: number;
}

export interface LeakRow {
  machine_id: string;
  name: string;
  points: number;
  slope: number;
  r2: number | null;
  fitted_start: number;
  fitted_end: number;
  drawdown: number;
}

/**
 * Per (machine, process name) on one shard: the least-squares line through the mean RSS per step
 * bucket (regr_slope / regr_r2 over epoch seconds), and the largest drawdown below the running
 * peak; only the rows that pass every test of leak-fit.ts, fastest growth first. Bucket means come
 * from exact partials (rollups where clean, raw rows at the edges and in dirty minutes), so a
 * machine's groups are complete on its shard and the per-shard LIMIT is exact.
 */
export function leaksSql(q: LeakQuery): BoundSql {
  const p = new SqlParams();
  const bin = stepBinner(p, q.stepMs);
  const where = scopeCondition(p, q.scope);
  const part = (a: string, t: string, s: string, n: string) => `${a}.machine_id, ${a}.name, ${t} AS t, ${s}::numeric AS s, ${n}::bigint AS n`;
  const spec: LayeredSpec = {
    rollup: (level) => ({
      table: rollupTable('process', level),
      select: (a) => part(a, bin(`${a}.bucket`), `sum(${a}.rss_sum)`, `sum(${a}.samples)`),
      groupBy: (a) => `${a}.machine_id, ${a}.name, 3`,
      where,
    }),
    raw: [
      {
        table: 'process_samples',
        select: (a) => part(a, bin(`${a}.ts`), `sum(${a}.rss_bytes)`, 'count(*)'),
        groupBy: (a) => `${a}.machine_id, ${a}.name, 3`,
        where,
      },
    ],
    merge: (parts) => {
      const t = q.thresholds;
      const slope = 'regr_slope(y, x)';
      return `SELECT machine_id, name, points, slope, r2, intercept + slope * x0 AS fitted_start, intercept + slope * x1 AS fitted_end, drawdown
  FROM (
    SELECT machine_id, name, count(*)::int AS points, ${slope} AS slope, regr_r2(y, x) AS r2, regr_intercept(y, x) AS intercept,
           min(x) AS x0, max(x) AS x1, max(peak - y) AS drawdown
    FROM (
      SELECT machine_id, name, x, y, max(y) OVER (PARTITION BY machine_id, name ORDER BY x) AS peak
      FROM (SELECT machine_id, name, extract(epoch FROM t)::float8 AS x, (sum(s) / sum(n))::float8 AS y
            FROM ${parts} GROUP BY machine_id, name, t HAVING sum(n) > 0) b
    ) w
    GROUP BY machine_id, name
    HAVING count(*) >= ${p.add(q.minPoints, 'int')} AND ${slope} * 3600 >= ${p.add(t.minGrowthBytesPerHour, 'float8')}
       AND regr_r2(y, x) >= ${p.add(t.minR2, 'float8')}
       AND max(peak - y) <= ${p.add(t.maxDrawdownRatio, 'float8')} * ${slope} * (max(x) - min(x))
  ) f
  ORDER BY slope DESC, machine_id COLLATE "C", name COLLATE "C" LIMIT ${p.add(q.limit, 'int')}`;
    },
  };
  return { text: layeredSql(q.plan, spec, p), values: p.values };
}
