import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import { ShardPools, ShardRouter, errorMessage, evenShardMap, isRetriablePgError } from '@pa/pg-shards';
import { tracerFor, withSpan } from '@pa/telemetry';
import { QueryResultRow } from 'pg';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { QueryMetrics } from '../metrics/query.metrics';
import { QUERY_CONFIG } from '../query-api.tokens';
import { BoundSql } from '../sql/sql-params';

const tracer = tracerFor('query-api');

/** What a scatter over shards gave: one value per shard that answered, and the shards that did not. */
export interface Scattered<T> {
  values: T[];
  /** shards that did not answer (only ever non-empty with allowPartial) */
  missing: number[];
}

/**
 * Runs statements on shards: on the one shard that holds a machine (through the shared
 * ShardRouter, the only routing function), or on every shard in parallel. Owns the per-shard pools
 * (each with the statement timeout and UTC session of ShardPools).
 */
@Injectable()
export class ShardFanout implements OnApplicationShutdown {
  private readonly logger = new Logger(ShardFanout.name);
  private readonly pools: ShardPools;
  private readonly router: ShardRouter;
  /** host:port per shard, for messages (never the full URL: it may carry a password) */
  private readonly names: string[];
  /** host:port/database per shard: which data a cache key speaks of (deployments may share a Redis) */
  readonly identity: string[];

  constructor(
    @Inject(QUERY_CONFIG) config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {
    const { urls } = config.shards;
    this.pools = new ShardPools({
      ...config.shards,
      applicationName: 'pa-query-api',
      onError: (shard, error) => this.logger.warn(`shard ${shard} connection lost: ${error.message}`),
    });
    this.router = new ShardRouter(evenShardMap(urls.length), urls.length);
    this.names = urls.map((url) => new URL(url).host);
    this.identity = urls.map((url) => `${new URL(url).host}${new URL(url).pathname}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pools.end();
  }

  get count(): number {
    return this.pools.count;
  }

  /** Version of the shard map: part of cache keys, so a rebalance never serves an old answer. */
  get mapVersion(): number {
    return this.router.map.version;
  }

  get allShards(): number[] {
    return Array.from({ length: this.pools.count }, (_, shard) => shard);
  }

  shardOf(machineId: string): number {
    return this.router.shardOf(machineId);
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
    const settled = await Promise.allSettled(shards.map((shard) => work(shard)));
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
    const lines = failures.map((f) => `shard ${f.shard} (${this.names[f.shard]}) did not answer: ${errorMessage(f.error)}`);
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
    const stop = this.metrics.shardSeconds.startTimer({ shard: String(shard) });
    try {
      return await withSpan(tracer, 'shard.query', { shard, 'shard.host': this.names[shard], 'db.query.name': sql.name ?? '' }, async (span) => {
        const { rows } = await this.pools.pool(shard).query<R>({ name: sql.name, text: sql.text, values: sql.values });
        span.setAttribute('rows', rows.length);
        return rows;
      });
    } finally {
      stop();
    }
  }

  isReachable(shard: number): Promise<boolean> {
    return this.pools.isReachable(shard);
  }
}
