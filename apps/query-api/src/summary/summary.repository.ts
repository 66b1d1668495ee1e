import { Injectable } from '@nestjs/common';
import { WindowPlan } from '../planning/window-plan';
import { Scattered, ShardFanout } from '../shards/shard-fanout.service';
import { LayeredSpec, layeredSql, rollupTable } from '../sql/layered-query';
import { BoundSql, SqlParams } from '../sql/sql-params';
import { ReadTenant, tenantCondition } from '../tenant/read-tenant';

export interface DailyQuery {
  /** the UTC day as a window */
  plan: WindowPlan;
  machineId?: string;
  /** cursor: only machines after this id (byte order) */
  after?: string;
  limit: number;
  /** only these machines (the caller's read prefixes; empty: all) */
  tenant: ReadTenant;
}

export interface DailyRow {
  machine_id: string;
  samples: string;
  distinct_processes: string;
  cpu_sum: string;
  cpu_max: string;
  mem_sum: string;
  mem_max: string;
}

/**
 * Per machine over one UTC day: samples, distinct processes (distinct (name, pid) pairs, merged as
 * exact pid sets), sums and maxima of cpu and mem. Parts are per (machine, name) so that the pid
 * sets of rollups and raw rows union exactly.
 */
export function dailySql(q: DailyQuery): BoundSql {
  const p = new SqlParams();
  const machine = q.machineId === undefined ? undefined : p.add(q.machineId, 'text');
  const filters: string[] = [];
  if (machine) filters.push(`machine_id = ${machine}`);
  if (q.after !== undefined) filters.push(`machine_id COLLATE "C" > ${p.add(q.after, 'text')}`);
  const where = filters.length ? (a: string) => filters.map((f) => `${a}.${f}`).join(' AND ') : undefined;
  const spec: LayeredSpec = {
    tenant: tenantCondition(q.tenant, p),
    machine,
    rollup: (level) => ({
      table: rollupTable('process', level),
      select: (a) => `${a}.machine_id, ${a}.name, sum(${a}.samples)::bigint AS n, sum(${a}.cpu_sum) AS cs, max(${a}.cpu_max) AS cm,
        sum(${a}.mem_sum) AS ms, max(${a}.mem_max) AS mm, pa_pid_union(${a}.pids) AS pids`,
      groupBy: () => '1, 2',
      where,
    }),
    raw: [
      {
        table: 'process_samples',
        select: (a) => `${a}.machine_id, ${a}.name, count(*) AS n, sum(${a}.cpu_pct) AS cs, max(${a}.cpu_pct) AS cm,
        sum(${a}.mem_pct) AS ms, max(${a}.mem_pct) AS mm, array_agg(DISTINCT ${a}.pid) AS pids`,
        groupBy: () => '1, 2',
        where,
      },
    ],
    merge: (parts) => `SELECT machine_id, sum(n)::bigint AS samples, sum(cardinality(pids))::bigint AS distinct_processes,
    sum(cs)::text AS cpu_sum, max(cm)::text AS cpu_max, sum(ms)::text AS mem_sum, max(mm)::text AS mem_max
  FROM (
    SELECT machine_id, name, sum(n) AS n, sum(cs) AS cs, max(cm) AS cm, sum(ms) AS ms, max(mm) AS mm, pa_pid_union(pids) AS pids
    FROM ${parts} GROUP BY machine_id, name
  ) per_name
  GROUP BY machine_id ORDER BY machine_id COLLATE "C" LIMIT ${p.add(q.limit + 1, 'int')}`,
  };
  return { text: layeredSql(q.plan, spec, p), values: p.values };
}

@Injectable()
export class SummaryRepository {
  constructor(private readonly shards: ShardFanout) {}

  /** Each shard's first `limit` + 1 machines of the day; one shard when a machine is named. */
  daily(q: DailyQuery, allowPartial: boolean): Promise<Scattered<DailyRow[]>> {
    const sql = dailySql(q);
    const shards = q.machineId === undefined ? this.shards.allShards : [this.shards.shardOf(q.machineId)];
    return this.shards.scatter(shards, allowPartial, (shard) => this.shards.query<DailyRow>(shard, sql));
  }
}
