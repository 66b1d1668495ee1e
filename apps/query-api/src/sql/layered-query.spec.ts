import { planWindow } from '../planning/window-plan';
import { processSeriesSql } from '../series/series.repository';
import { topSql } from '../top/top.repository';
import { LayeredSpec, layeredSql } from './layered-query';
import { SqlParams } from './sql-params';
import { tenantCondition } from '../tenant/read-tenant';

const at = (iso: string) => Date.parse(iso);

/** A spec that makes each part recognisable by its table and level. */
const SPEC: LayeredSpec = {
  rollup: (level) => ({ table: `r_${level}`, select: () => `'${level}' AS src`, groupBy: () => '1' }),
  raw: [{ table: 'raw', select: () => "'raw' AS src", groupBy: () => '1' }],
  merge: (parts) => `SELECT * FROM ${parts}`,
};

function partsOf(sql: string): string[] {
  return sql.split('UNION ALL').map((part) => part.trim());
}

describe('layeredSql', () => {
  it('reads raw rows only when no level fits', () => {
    const p = new SqlParams();
    const sql = layeredSql(planWindow({ from: at('2026-11-29T10:00:10Z'), to: at('2026-11-29T10:00:50Z') }, '1d'), SPEC, p);
    expect(sql).not.toContain('WITH');
    expect(partsOf(sql)).toHaveLength(1);
    expect(p.values).toEqual(['2026-11-29T10:00:10.000Z', '2026-11-29T10:00:50.000Z']);
  });

  it('has one part per own range and per dirty parent, and raw edges plus dirty minutes', () => {
    const plan = planWindow({ from: at('2026-11-27T22:17:23.5Z'), to: at('2026-11-29T01:30:10Z') }, '1d');
    const sql = layeredSql(plan, SPEC, new SqlParams());
    const parts = partsOf(sql);
    const count = (table: string) => parts.filter((part) => part.includes(`FROM ${table} a`)).length;
    // 1m: two own ranges + children of dirty hours; 1h: two own ranges + children of dirty days; 1d: one.
    expect([count('r_1m'), count('r_1h'), count('r_1d'), count('raw')]).toEqual([3, 3, 1, 3]);
    expect(sql).toContain('dirty_1m AS MATERIALIZED');
    expect(sql).toMatch(/FROM dirty_1d c CROSS JOIN LATERAL \(SELECT \* FROM r_1h a WHERE a.machine_id = c.machine_id/);
    expect(sql).toMatch(/FROM dirty_runs c CROSS JOIN LATERAL \(SELECT \* FROM raw a WHERE a.machine_id = c.machine_id/);
  });

  it('keeps every value a caller gives out of the SQL text', () => {
    const evil = "x' OR 1=1; DROP TABLE snapshots; --";
    const plan = planWindow({ from: at('2026-11-28T00:00:00Z'), to: at('2026-11-29T00:00:00Z') }, '1d');
    const series = processSeriesSql({ metric: 'rss_bytes', stepMs: 3_600_000, plan, name: evil, machineId: 'm-1' });
    expect(series.text).not.toContain(evil);
    expect(series.values).toEqual(expect.arrayContaining([evil, 'm-1', 3_600_000]));
    const top = topSql({ metric: 'cpu_pct', by: 'machine', order: 'avg', limit: 7, plan, tenant: [] });
    expect(top.values).toContain(7);
    expect(top.text).toMatch(/LIMIT \$\d+::int/);
  });

  it('applies the tenant condition to every part, rollups, raw edges and dirty ranges alike', () => {
    const plan = planWindow({ from: at('2026-11-27T22:17:23.5Z'), to: at('2026-11-29T01:30:10Z') }, '1d');
    const p = new SqlParams();
    const sql = layeredSql(plan, { ...SPEC, tenant: tenantCondition(['team-a-'], p) }, p);
    const parts = partsOf(sql).filter((part) => / FROM (r_1m|r_1h|r_1d|raw) a /.test(part));
    expect(parts.length).toBeGreaterThan(5);
    for (const part of parts) expect(part).toMatch(/\(\(a\.machine_id >= \$\d+::text AND a\.machine_id < \$\d+::text\)\)/);
    expect(p.values).toEqual(expect.arrayContaining(['team-a-', 'team-a.']));
  });
});
