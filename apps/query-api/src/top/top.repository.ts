import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig, TopGenericPlansBy } from '@pa/config';
import { QUERY_CONFIG } from '../query-api.tokens';
import { Aggregate, AggregateRow, TopOrder, parseAggregate } from '../merge/partials';
import { WindowPlan } from '../planning/window-plan';
import { Scattered, ShardFanout } from '../shards/shard-fanout.service';
import { LayeredSpec, PartSource, fleetRollupTable, layeredSql, rollupTable } from '../sql/layered-query';
import { METRIC_COLUMNS, Metric } from '../sql/metric-columns';
import { GENERIC_PLAN } from '../sql/planner-settings';
import { BoundSql, SqlParams, statementName } from '../sql/sql-params';
import { ReadTenant, tenantCondition } from '../tenant/read-tenant';

export type TopBy = 'process' | 'machine';
export const TOP_BY: readonly TopBy[] = ['process', 'machine'];
export const TOP_ORDERS: readonly TopOrder[] = ['sum', 'avg', 'max'];

export interface TopQuery {
  metric: Metric;
  by: TopBy;
  order: TopOrder;
  limit: number;
  plan: WindowPlan;
  /** only these machines (the caller's read prefixes; empty: all) */
  tenant: ReadTenant;
}

/*
 * Why a generic plan (isGenericPlan). The statement of a top shape is long (up to ~25 union parts
 * over views, the inlined raw reader over every day partition and the segments), and PostgreSQL
 * spent as long planning it as running it: on bench item 6's data (50 machines × 100 processes,
 * every 2 min, 2 shards, load 4–7) EXPLAIN alone took 4.9 ms of an 8.3 ms statement over 24 h, and a 7 d
 * statement ran in 3.8 ms with a generic plan against 8.1 ms planned per request. A named
 * statement with plan_cache_mode=force_generic_plan is planned once per connection and shape
 * (partitions are then pruned when it starts, "Subplans Removed"). `auto` never switched to the
 * generic plan here (its cost estimate, with default selectivities for the time bounds, is higher).
 * Where the setting comes from (QUERY_TOP_GENERIC_PLANS_BY): `pool`, a connection setting of a
 * pool of its own per shard (ShardPools 'generic-plans'), so the statement is its one round trip;
 * `transaction`, set_config in the statement's transaction (BEGIN, SELECT set_config, EXECUTE,
 * COMMIT: three more round trips of ~0.15 ms each on a quiet node, more on a loaded one). Bench
 * item 6 at load 14–18 (2026-12-02 12:16 UTC), transaction: p50 over 7 d 29.7 ms against 40.9 ms
 * planned per request (1.38×), over 24 h 34.3 against 36.7 ms (1.07×: on a loaded box those round
 * trips ate most of the planning saved). Shapes are
 * bounded (metric × by × order × levels and edges of the window × tenant prefixes), so are the
 * statements a connection keeps.
 */
// Per-shard ranking for by=machine (a machine lives on one shard, so its group is complete there).
const ORDER_SQL: Record<TopOrder, string> = { sum: 'sum(s)', avg: 'sum(s)::float8 / sum(n)', max: 'max(mx)' };

/**
 * Per shard: sum, count and max of the metric per group (process name or machine) over the window.
 * Names span shards, so by=process returns every group of the shard; machines do not, so
 * by=machine returns only the shard's top `limit`. With `useFleet`, by=process reads the fleet
 * rollups for buckets clean on the whole node (layered-query.ts); the caller decides whether the
 * shard may (no tenant, no buckets held without owning them). by=machine has none: its per-machine
 * rollups are already one row per machine and bucket. With `isGenericPlan`, a named statement
 * planned once per connection (see GENERIC_PLAN above).
 */
export function topSql(q: TopQuery, useFleet = false, isGenericPlan = false, genericPlansBy: TopGenericPlansBy = 'pool'): BoundSql {
  const p = new SqlParams();
  const c = METRIC_COLUMNS[q.metric];
  const key = q.by === 'process' ? 'name' : 'machine_id';
  const partial = (a: string, sum: string, count: string, max: string) =>
    `${a}.${key} AS key, ${sum}::${c.sumType} AS s, ${count} AS n, ${max}::${c.maxType} AS mx`;
  const rollup = (table: string): PartSource => ({
    table,
    select: (a) => partial(a, `sum(${a}.${c.rollupSum})`, `sum(${a}.samples)::bigint`, `max(${a}.${c.rollupMax})`),
    groupBy: (a) => `${a}.${key}`,
  });
  const spec: LayeredSpec = {
    tenant: tenantCondition(q.tenant, p),
    rollup: (level) => rollup(rollupTable(q.by, level)),
    fleet: useFleet && q.by === 'process' ? (level) => rollup(fleetRollupTable(level)) : undefined,
    raw: [
      {
        table: 'process_samples',
        select: (a) => partial(a, `sum(${a}.${c.raw})`, 'count(*)', `max(${a}.${c.raw})`),
        groupBy: (a) => `${a}.${key}`,
      },
    ],
    merge: (parts) => {
      const ranked = q.by === 'machine' ? ` ORDER BY ${ORDER_SQL[q.order]} DESC, key COLLATE "C" LIMIT ${p.add(q.limit, 'int')}` : '';
      return `SELECT key, sum(s)::text AS sum, sum(n)::bigint AS count, max(mx)::text AS max
  FROM ${parts} GROUP BY key HAVING sum(n) > 0${ranked}`;
    },
  };
  const text = layeredSql(q.plan, spec, p);
  if (!isGenericPlan) return { text, values: p.values };
  const name = statementName('pa-top', text);
  return genericPlansBy === 'pool' ? { text, values: p.values, name, genericPlan: true } : { text, values: p.values, name, settings: GENERIC_PLAN };
}

@Injectable()
export class TopRepository {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly shards: ShardFanout,
  ) {}

  /** Groups of every shard (each list complete for its shard); shards that failed in `missing`. */
  async groups(q: TopQuery, allowPartial: boolean): Promise<Scattered<{ key: string; value: Aggregate }[]>> {
    const isInteger = METRIC_COLUMNS[q.metric].sumType === 'numeric';
    // A tenant key reads only its machines; fleet rows count them all (tenantCondition filters machine_id).
    const mayUseFleet = this.config.fleetRollups && q.tenant.length === 0;
    return this.shards.scatter(this.shards.allShards, allowPartial, async (shard) => {
      // A node in a bucket move holds machines its readers leave out: its fleet rows count them.
      const sql = topSql(q, mayUseFleet && !this.shards.holdsForeignBuckets(shard), this.config.topGenericPlans, this.config.topGenericPlansBy);
      const rows = await this.shards.query<AggregateRow & { key: string }>(shard, sql);
      return rows.map((row) => ({ key: row.key, value: parseAggregate(row, isInteger) }));
    });
  }
}
