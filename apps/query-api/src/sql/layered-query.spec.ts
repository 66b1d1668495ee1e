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

  it('reads fleet-wide raw edges machine by machine, one machine\'s and long raw ranges by one range scan', () => {
    const plan = planWindow({ from: at('2026-11-27T22:17:23.5Z'), to: at('2026-11-29T01:30:10Z') }, '1d');
    const edges = (spec: LayeredSpec) => partsOf(layeredSql(plan, spec, new SqlParams())).filter((part) => part.includes('a.ts >= $'));
    const fleet = edges(SPEC);
    expect(fleet).toHaveLength(2);
    for (const part of fleet) expect(part).toMatch(/^SELECT .* FROM machines m CROSS JOIN LATERAL \(SELECT \* FROM raw a WHERE a\.machine_id = m\.machine_id AND a\.ts >= \$\d+::timestamptz AND a\.ts < \$\d+::timestamptz OFFSET 0\) a GROUP BY 1$/);
    for (const part of edges({ ...SPEC, machine: '$99' })) expect(part).not.toContain('machines m');
    // Forced raw over hours: one range scan, not one per machine.
    const raw = layeredSql(planWindow({ from: at('2026-11-29T10:00:10Z'), to: at('2026-11-29T12:00:50Z') }, 'raw'), SPEC, new SqlParams());
    expect(raw).not.toContain('machines m');
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

  describe('with fleet rollups', () => {
    const FLEET: LayeredSpec = { ...SPEC, fleet: (level) => ({ table: `f_${level}`, select: () => `'f${level}' AS src`, groupBy: () => '1' }) };
    const plan = planWindow({ from: at('2026-11-27T22:17:23.5Z'), to: at('2026-11-29T01:30:10Z') }, '1d');

    it('reads each own range from fleet rows of whole-node clean buckets and per-machine rows of the others', () => {
      const sql = layeredSql(plan, FLEET, new SqlParams());
      const parts = partsOf(sql);
      const count = (table: string) => parts.filter((part) => part.includes(`FROM ${table} a`)).length;
      // Own ranges as before (1m: 2, 1h: 2, 1d: 1), each once from fleet rows and once per machine.
      expect([count('f_1m'), count('f_1h'), count('f_1d')]).toEqual([2, 2, 1]);
      expect([count('r_1m'), count('r_1h'), count('r_1d'), count('raw')]).toEqual([3, 3, 1, 3]);
      for (const level of ['1m', '1h', '1d']) {
        expect(sql).toContain(`fleet_fallback_${level} AS MATERIALIZED`);
        expect(sql).toMatch(new RegExp(`FROM f_${level} a WHERE .*NOT EXISTS \\(SELECT 1 FROM fleet_fallback_${level} f WHERE f.bucket = a.bucket\\)`));
        expect(sql).toMatch(new RegExp(`FROM fleet_fallback_${level} f CROSS JOIN LATERAL \\(SELECT \\* FROM r_${level} a WHERE a.bucket = f.bucket OFFSET 0\\) a WHERE .*NOT EXISTS \\(SELECT 1 FROM dirty_${level} d`));
      }
      expect(sql).toMatch(/SELECT bucket FROM fleet_rollup_outbox WHERE level = '1h'/);
    });

    it('is ignored with a tenant: fleet rows count machines outside it', () => {
      const p = new SqlParams();
      const sql = layeredSql(plan, { ...FLEET, tenant: tenantCondition(['team-a-'], p) }, p);
      expect(sql).not.toMatch(/f_1m|f_1h|f_1d|fleet_fallback|fleet_rollup_outbox/);
    });

    it('is used by /v1/top by process only when asked, never by machine', () => {
      const q = { metric: 'cpu_pct' as const, order: 'sum' as const, limit: 5, plan, tenant: [] };
      expect(topSql({ ...q, by: 'process' }, true).text).toContain('FROM process_fleet_rollup_1h a');
      expect(topSql({ ...q, by: 'process' }).text).not.toContain('fleet');
      expect(topSql({ ...q, by: 'machine' }, true).text).not.toContain('fleet');
    });

    it('with generic plans: the same statement, named after its text and planned once per connection', () => {
      const q = { metric: 'cpu_pct' as const, by: 'process' as const, order: 'sum' as const, limit: 5, plan, tenant: [] };
      const custom = topSql(q, true);
      const generic = topSql(q, true, true);
      expect(custom.name).toBeUndefined();
      expect(custom.settings).toBeUndefined();
      // On the shard's generic-plans pool (plan_cache_mode a setting of its connections): no transaction.
      expect(generic).toEqual({ ...custom, name: expect.stringMatching(/^pa-top-[0-9a-f]{20}$/), genericPlan: true });
      // QUERY_TOP_GENERIC_PLANS_BY=transaction: the same statement, the setting for its transaction.
      expect(topSql(q, true, true, 'transaction')).toEqual({ ...custom, name: generic.name, settings: { plan_cache_mode: 'force_generic_plan' } });
      // Other bind values, the same shape: the same prepared statement.
      expect(topSql({ ...q, limit: 9 }, true, true).name).toBe(generic.name);
      expect(topSql({ ...q, metric: 'mem_pct' }, true, true).name).not.toBe(generic.name);
      expect(topSql(q, false, true).name).not.toBe(generic.name);
    });
  });
});
