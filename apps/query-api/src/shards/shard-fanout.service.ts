import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ShardTopology, openServiceTopology } from '@pa/catalog';
import { QueryConfig } from '@pa/config';
import { ShardRouter, errorMessage, isRetriablePgError, withTransaction } from '@pa/pg-shards';
import { tracerFor, withSpan } from '@pa/telemetry';
import { QueryResultRow } from 'pg';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { QueryMetrics } from '../metrics/query.metrics';
import { QUERY_CONFIG } from '../query-api.tokens';
import { currentExplain, explainPrepared, explainText } from '../explain/explain-context';
import { GENERIC_PLAN, plannerSettingsSql } from '../sql/planner-settings';
import { BoundSql } from '../sql/sql-params';

const tracer = tracerFor('query-api');

/** What a scatter over shards gave: one value per shard that answered, and the shards that did not. */
export interface Scattered<T> {
  values: T[];
  /** shards that did not answer (only ever non-empty with allowPartial) */
  missing: number[];
}

/**
 * Runs statements on shards: on the one shard that owns a machine (through the shared
 * ShardRouter, the only routing function), or on every shard in parallel. The shard map comes
 * from the catalog and is followed at runtime (ShardTopology); each statement reads with the map
 * it was planned with, leaving out on each shard the buckets that shard holds without owning
 * (a bucket move in progress), so no machine is missing or counted twice.
 */
@Injectable()
export class ShardFanout implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ShardFanout.name);
  private topology!: ShardTopology;
  /** the router a scatter started with, for the statements it runs */
  private readonly scatterRouter = new AsyncLocalStorage<ShardRouter>();

  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.topology = await openServiceTopology(this.config.shards, {
      applicationName: 'pa-query-api',
      // The read views (migration 011): they leave out what a shard holds without owning.
      searchPath: 'pa_read,public',
      logger: this.logger,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.topology?.close();
  }

  get count(): number {
    return this.topology.pools.count;
  }

  /** The router of the current map; a request keeps the one it started with. */
  get router(): ShardRouter {
    return this.topology.router;
  }

  /** Version of the shard map: part of cache keys, so a rebalance never serves an old answer. */
  get mapVersion(): number {
    return this.topology.version;
  }

  get allShards(): number[] {
    return Array.from({ length: this.topology.router.shardCount }, (_, shard) => shard);
  }

  /** host:port/database per shard: which data a cache key speaks of (deployments may share a Redis). */
  get identity(): string[] {
    return this.topology.addresses;
  }

  shardOf(machineId: string): number {
    return this.topology.router.shardOf(machineId);
  }

  /** Rows of one statement on one shard; a shard that does not answer becomes a 503 naming it. */
  async rows<R extends QueryResultRow>(shard: number, sql: BoundSql): Promise<R[]> {
    const { values } = await this.scatter([shard], false, (s) => this.query<R>(s, sql));
    return values[0];
  }

  /**
   * `work` on each shard in parallel. A shard that is down or over its statement timeout makes the
   * whole call a 503 naming it, unless `allowPartial`, when it is listed in `missing` instead (when
   * no shard answers at all, it is a 503 either way). Other errors (bugs) propagate as 500s.
   */
  async scatter<T>(shards: number[], allowPartial: boolean, work: (shard: number) => Promise<T>): Promise<Scattered<T>> {
    // Taken in the same tick as the caller chose `shards` (by shardOf or allShards): one map for the whole answer.
    const router = this.router;
    const settled = await this.scatterRouter.run(router, () => Promise.allSettled(shards.map((shard) => work(shard))));
    const values: T[] = [];
    const failures: { shard: number; error: unknown }[] = [];
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') values.push(result.value);
      else failures.push({ shard: shards[i], error: result.reason });
    });
    const bug = failures.find((f) => !isRetriablePgError(f.error));
    if (bug) throw bug.error;
    if (failures.length === 0) return { values, missing: [] };
    for (const f of failures) this.metrics.shardFailures.inc({ shard: String(f.shard) });
    const lines = failures.map((f) => `shard ${f.shard} (${this.hostOf(f.shard)}) did not answer: ${errorMessage(f.error)}`);
    if (!allowPartial || values.length === 0) {
      const hint = allowPartial ? 'no shard answered' : 'retry later, or pass allow_partial=true for an answer without it';
      throw queryProblem(QueryErrorCode.SHARD_UNAVAILABLE, `${lines[0]}; ${hint}`, { errors: lines, headers: { 'retry-after': '5' } });
    }
    return { values, missing: failures.map((f) => f.shard) };
  }

  /**
   * One statement on one shard, errors untouched (scatter classifies them). Its `shard.query` span
   * (shard, statement name, rows) is the parent of the pg driver's span, so a trace shows each shard.
   */
  async query<R extends QueryResultRow>(shard: number, sql: BoundSql): Promise<R[]> {
    const router = this.scatterRouter.getStore() ?? this.router;
    const stop = this.metrics.shardSeconds.startTimer({ shard: String(shard) });
    try {
      return await withSpan(tracer, 'shard.query', { shard, 'shard.host': this.hostOf(shard), 'db.query.name': sql.name ?? '' }, async (span) => {
        const rows = await this.run<R>(shard, sql, router.staleRangesOf(shard));
        span.setAttribute('rows', rows.length);
        return rows;
      });
    } finally {
      stop();
    }
  }

  /**
   * Whether `shard` holds buckets it does not own under the map of the current scatter (a bucket
   * move's copy or its source before cleanup): node-wide aggregates there count machines readers leave out.
   */
  holdsForeignBuckets(shard: number): boolean {
    const router = this.scatterRouter.getStore() ?? this.router;
    return router.staleRangesOf(shard).length > 0;
  }

  isReachable(shard: number): Promise<boolean> {
    return this.topology.pools.isReachable(shard);
  }

  /**
   * A statement on a shard. In a transaction when it needs one: stale ranges named to the read
   * views, its query shape's planner settings (SET LOCAL, planner-settings.ts), or a request with
   * explain=… (the plan is taken in the same transaction, with the same settings, before the statement;
   * for a named statement after it, by EXPLAIN EXECUTE, so that it is the plan that ran: a generic
   * plan (planner-settings.ts, plan_cache_mode) differs from the custom plan EXPLAIN would make).
   * A `genericPlan` statement runs on the shard's generic-plans pool (plan_cache_mode is a setting
   * of its connections), in a transaction only when one of the above needs it.
   */
  private async run<R extends QueryResultRow>(shard: number, sql: BoundSql, stale: { from: number; to: number }[]): Promise<R[]> {
    const pool = this.topology.pools.pool(shard, sql.genericPlan ? 'generic-plans' : 'default');
    const statement = { name: sql.name, text: sql.text, values: sql.values };
    const settings = plannerSettingsSql(sql.settings);
    const explain = currentExplain();
    if (stale.length === 0 && !settings && !explain) return (await pool.query<R>(statement)).rows;
    const buckets = stale.map((r) => `${r.from}-${r.to}`).join(',');
    return withTransaction(pool, async (client) => {
      if (stale.length > 0) await client.query("SELECT set_config('pa.stale_buckets', $1, true)", [buckets]);
      if (settings) await client.query(settings);
      const shown = { ...sql.settings, ...(sql.genericPlan ? GENERIC_PLAN : {}) } as Record<string, string>;
      const record = (plan: unknown) => explain?.plans.push({ shard, statement: sql.name, settings: shown, plan });
      if (explain && sql.name) {
        const { rows } = await client.query<R>(statement);
        record(await explainPrepared(client, explain.mode, sql.name, sql.values));
        return rows;
      }
      if (explain) {
        const [row] = (await client.query<{ 'QUERY PLAN': unknown }>({ text: explainText(explain.mode, sql.text), values: sql.values })).rows;
        record(row['QUERY PLAN']);
      }
      return (await client.query<R>(statement)).rows;
    });
  }

  /** host:port of a shard, for messages (never its URL: it may carry a password). */
  private hostOf(shard: number): string {
    return this.topology.addresses[shard]?.replace(/\/.*$/, '') ?? `shard ${shard}`;
  }
}
