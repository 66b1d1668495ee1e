import { WindowPlan } from '../planning/window-plan';
import { LayeredSpec, layeredSql, rollupTable } from '../sql/layered-query';
import { BoundSql, SqlParams } from '../sql/sql-params';
import { MachineScope, scopeCondition, stepBinner } from './insight-sql';

export interface PresenceRow {
  machine_id: string;
  name: string;
  /** baseline buckets in which the name had samples */
  buckets: number;
  last_bucket: Date;
}

export interface ReportRow {
  machine_id: string;
  /** baseline buckets in which the machine sent at least one snapshot */
  base_buckets: number;
  /** minutes of the recent window with at least one snapshot */
  recent_minutes: number;
  last_seen: Date;
}

export interface NameRow {
  machine_id: string;
  name: string;
}

/** Per (machine, name): in how many baseline buckets of `stepMs` the name had samples (exact partials). */
export function presenceSql(plan: WindowPlan, stepMs: number, scope: MachineScope): BoundSql {
  const p = new SqlParams();
  const bin = stepBinner(p, stepMs);
  const where = scopeCondition(p, scope);
  const select = (a: string, time: string) => `${a}.machine_id, ${a}.name, ${bin(`${a}.${time}`)} AS t`;
  const groupBy = (a: string) => `${a}.machine_id, ${a}.name, 3`;
  const spec: LayeredSpec = {
    rollup: (level) => ({ table: rollupTable('process', level), select: (a) => select(a, 'bucket'), groupBy, where }),
    raw: [{ table: 'process_samples', select: (a) => select(a, 'ts'), groupBy, where }],
    merge: (parts) => `SELECT machine_id, name, count(DISTINCT t)::int AS buckets, max(t) AS last_bucket FROM ${parts} GROUP BY 1, 2`,
  };
  return { text: layeredSql(plan, spec, p), values: p.values };
}

/** Process names with samples in the recent window, per machine. */
export function recentNamesSql(plan: WindowPlan, scope: MachineScope): BoundSql {
  const p = new SqlParams();
  const where = scopeCondition(p, scope);
  const select = (a: string) => `${a}.machine_id, ${a}.name`;
  const groupBy = (a: string) => `${a}.machine_id, ${a}.name`;
  const spec: LayeredSpec = {
    rollup: (level) => ({ table: rollupTable('process', level), select, groupBy, where }),
    raw: [{ table: 'process_samples', select, groupBy, where }],
    merge: (parts) => `SELECT machine_id, name FROM ${parts} GROUP BY 1, 2`,
  };
  return { text: layeredSql(plan, spec, p), values: p.values };
}

/**
 * Per machine, from the snapshot ledger (one row per snapshot, exact and small next to the
 * samples): reporting buckets in the baseline, reporting minutes in the recent window, last snapshot.
 */
export function reportsSql(baseFrom: number, recentFrom: number, at: number, stepMs: number, scope: MachineScope): BoundSql {
  const p = new SqlParams();
  const bin = stepBinner(p, stepMs);
  const minute = stepBinner(p, 60_000);
  const recent = p.time(recentFrom);
  const scoped = scopeCondition(p, scope);
  const text = `SELECT machine_id,
    count(DISTINCT ${bin('s.ts')}) FILTER (WHERE s.ts < ${recent})::int AS base_buckets,
    count(DISTINCT ${minute('s.ts')}) FILTER (WHERE s.ts >= ${recent})::int AS recent_minutes,
    max(s.ts) AS last_seen
  FROM snapshots s WHERE s.ts >= ${p.time(baseFrom)} AND s.ts < ${p.time(at)}${scoped ? ` AND ${scoped('s')}` : ''}
  GROUP BY machine_id`;
  return { text, values: p.values };
}
