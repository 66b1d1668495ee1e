import { TopOrder } from '../merge/partials';
import { WindowPlan } from '../planning/window-plan';
import { LayeredSpec, layeredSql, rollupTable } from '../sql/layered-query';
import { METRIC_COLUMNS, Metric } from '../sql/metric-columns';
import { BoundSql, SqlParams } from '../sql/sql-params';
import { ReadTenant, tenantCondition } from '../tenant/read-tenant';

export interface ProcessMachinesQuery {
  name: string;
  metric: Metric;
  order: TopOrder;
  limit: number;
  plan: WindowPlan;
  /** only these machines (the caller's read prefixes; empty: all) */
  tenant: ReadTenant;
}

const ORDER_SQL: Record<TopOrder, string> = { sum: 'sum(s)', avg: 'sum(s)::float8 / sum(n)', max: 'max(mx)' };

/**
 * Per machine, over the samples of one process name: sum, count and max of the metric; the
 * shard's top `limit` (a machine lives on one shard, so its group is complete there and the
 * shards' tops merge exactly, as /v1/top?by=machine does).
 */
export function processMachinesSql(q: ProcessMachinesQuery): BoundSql {
  const p = new SqlParams();
  const c = METRIC_COLUMNS[q.metric];
  const name = p.add(q.name, 'text');
  const where = (a: string) => `${a}.name = ${name}`;
  const partial = (a: string, sum: string, count: string, max: string) => `${a}.machine_id AS key, ${sum}::${c.sumType} AS s, ${count} AS n, ${max}::${c.maxType} AS mx`;
  const spec: LayeredSpec = {
    tenant: tenantCondition(q.tenant, p),
    rollup: (level) => ({
      table: rollupTable('process', level),
      select: (a) => partial(a, `sum(${a}.${c.rollupSum})`, `sum(${a}.samples)::bigint`, `max(${a}.${c.rollupMax})`),
      groupBy: (a) => `${a}.machine_id`,
      where,
    }),
    raw: [{ table: 'process_samples', select: (a) => partial(a, `sum(${a}.${c.raw})`, 'count(*)', `max(${a}.${c.raw})`), groupBy: (a) => `${a}.machine_id`, where }],
    merge: (parts) => `SELECT key, sum(s)::text AS sum, sum(n)::bigint AS count, max(mx)::text AS max
  FROM ${parts} GROUP BY key HAVING sum(n) > 0 ORDER BY ${ORDER_SQL[q.order]} DESC, key COLLATE "C" LIMIT ${p.add(q.limit, 'int')}`,
  };
  return { text: layeredSql(q.plan, spec, p), values: p.values };
}
