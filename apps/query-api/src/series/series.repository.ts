import { Injectable } from '@nestjs/common';
import { Aggregate, AggregateRow, parseAggregate } from '../merge/partials';
import { WindowPlan } from '../planning/window-plan';
import { Scattered, ShardFanout } from '../shards/shard-fanout.service';
import { LayeredSpec, layeredSql, rollupTable } from '../sql/layered-query';
import { METRIC_COLUMNS, Metric, MetricColumns } from '../sql/metric-columns';
import { BoundSql, SqlParams } from '../sql/sql-params';
import { ReadTenant, tenantCondition } from '../tenant/read-tenant';

export interface SeriesQuery {
  metric: Metric;
  stepMs: number;
  plan: WindowPlan;
  /** required for a machine series; narrows a process series */
  machineId?: string;
  /** a process series: only these machines (the caller's read prefixes; empty: all) */
  tenant?: ReadTenant;
}

export interface SeriesPoint extends Aggregate {
  /** bucket start, epoch ms */
  t: number;
  /** machine series only: snapshots in the bucket */
  snapshots?: number;
}

type PointRow = AggregateRow & { t: Date; snapshots?: string };

/** Step buckets start at multiples of the step since the Unix epoch (date_bin's origin). */
function binner(p: SqlParams, stepMs: number): (column: string) => string {
  const step = `(${p.add(stepMs, 'bigint')} * interval '1 millisecond')`;
  return (column) => `date_bin(${step}, ${column}, timestamptz '1970-01-01 00:00:00+00')`;
}

/** Per step bucket over one machine's process samples: sum, count, max of the metric, and snapshots. */
export function machineSeriesSql(q: SeriesQuery & { machineId: string }): BoundSql {
  const p = new SqlParams();
  const c = METRIC_COLUMNS[q.metric];
  const bin = binner(p, q.stepMs);
  const machine = p.add(q.machineId, 'text');
  const where = (a: string) => `${a}.machine_id = ${machine}`;
  const cols = (t: string, s: string, n: string, mx: string, k: string) =>
    `${t} AS t, ${s}::${c.sumType} AS s, ${n} AS n, ${mx}::${c.maxType} AS mx, ${k} AS k`;
  const spec: LayeredSpec = {
    machine,
    rollup: (level) => ({
      table: rollupTable('machine', level),
      select: (a) => cols(bin(`${a}.bucket`), `sum(${a}.${c.rollupSum})`, `sum(${a}.samples)::bigint`, `max(${a}.${c.rollupMax})`, `sum(${a}.snapshots)::bigint`),
      groupBy: () => '1',
      where,
    }),
    raw: [
      { table: 'process_samples', select: (a) => cols(bin(`${a}.ts`), `sum(${a}.${c.raw})`, 'count(*)', `max(${a}.${c.raw})`, '0::bigint'), groupBy: () => '1', where },
      // A snapshot may hold no processes: snapshots are counted from their own table.
      { table: 'snapshots', select: (a) => cols(bin(`${a}.ts`), '0', '0::bigint', 'NULL', 'count(*)'), groupBy: () => '1', where },
    ],
    merge: (parts) => `SELECT t, sum(s)::text AS sum, sum(n)::bigint AS count, max(mx)::text AS max, sum(k)::bigint AS snapshots
  FROM ${parts} GROUP BY t ORDER BY t`,
  };
  return { text: layeredSql(q.plan, spec, p), values: p.values };
}

/** Per step bucket over the samples of one process name, fleet-wide or on one machine. */
export function processSeriesSql(q: SeriesQuery & { name: string }): BoundSql {
  const p = new SqlParams();
  const c = METRIC_COLUMNS[q.metric];
  const bin = binner(p, q.stepMs);
  const name = p.add(q.name, 'text');
  const machine = q.machineId === undefined ? undefined : p.add(q.machineId, 'text');
  const where = (a: string) => `${a}.name = ${name}${machine ? ` AND ${a}.machine_id = ${machine}` : ''}`;
  const cols = (t: string, s: string, n: string, mx: string) => `${t} AS t, ${s}::${c.sumType} AS s, ${n} AS n, ${mx}::${c.maxType} AS mx`;
  const spec: LayeredSpec = {
    tenant: tenantCondition(q.tenant ?? [], p),
    machine,
    rollup: (level) => ({
      table: rollupTable('process', level),
      select: (a) => cols(bin(`${a}.bucket`), `sum(${a}.${c.rollupSum})`, `sum(${a}.samples)::bigint`, `max(${a}.${c.rollupMax})`),
      groupBy: () => '1',
      where,
    }),
    raw: [{ table: 'process_samples', select: (a) => cols(bin(`${a}.ts`), `sum(${a}.${c.raw})`, 'count(*)', `max(${a}.${c.raw})`), groupBy: () => '1', where }],
    merge: (parts) => `SELECT t, sum(s)::text AS sum, sum(n)::bigint AS count, max(mx)::text AS max FROM ${parts} GROUP BY t ORDER BY t`,
  };
  return { text: layeredSql(q.plan, spec, p), values: p.values };
}

@Injectable()
export class SeriesRepository {
  constructor(private readonly shards: ShardFanout) {}

  /** The machine's series from its shard. */
  async machineSeries(q: SeriesQuery & { machineId: string }): Promise<SeriesPoint[]> {
    const rows = await this.shards.rows<PointRow>(this.shards.shardOf(q.machineId), machineSeriesSql(q));
    return rows.map((row) => ({ ...toPoint(row, METRIC_COLUMNS[q.metric]), snapshots: Number(row.snapshots) }));
  }

  /** Partial series per shard: one shard when a machine is named, else all. */
  async processSeries(q: SeriesQuery & { name: string }, allowPartial: boolean): Promise<Scattered<SeriesPoint[]>> {
    const sql = processSeriesSql(q);
    const shards = q.machineId === undefined ? this.shards.allShards : [this.shards.shardOf(q.machineId)];
    return this.shards.scatter(shards, allowPartial, async (shard) =>
      (await this.shards.query<PointRow>(shard, sql)).map((row) => toPoint(row, METRIC_COLUMNS[q.metric])),
    );
  }
}

function toPoint(row: PointRow, columns: MetricColumns): SeriesPoint {
  return { t: row.t.getTime(), ...parseAggregate(row, columns.sumType === 'numeric') };
}
