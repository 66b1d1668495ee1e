import { Pool } from 'pg';

export interface ShardPoolOptions {
  /** one PostgreSQL URL per shard; index = shard number */
  urls: string[];
  /** connections per shard */
  poolSize: number;
  /** statement_timeout set on every connection, ms */
  statementTimeoutMs: number;
  /** application_name seen in pg_stat_activity */
  applicationName: string;
  /** called with idle-client errors (a shard restarting); without a listener they kill the process */
  onError: (shard: number, error: Error) => void;
  /** schemas searched first, e.g. `pa_read` for readers (migration 011); the server's default when absent */
  searchPath?: string;
}

/** How a pool's connections plan: as the server does, or named statements once per connection. */
export type PlanMode = 'default' | 'generic-plans';

/**
 * Connection settings of a plan mode. `generic-plans`: plan_cache_mode=force_generic_plan for the
 * whole session, so a named statement is planned once per connection without a transaction that
 * sets it (BEGIN, set_config, COMMIT: three round trips per statement). Its own pool, not a setting
 * on the shared one: force_generic_plan also applies to unnamed statements with bind values (the
 * extended protocol plans them through the same plan cache), which must keep their custom plans.
 * Checked on PostgreSQL 15: unnamed `SELECT 1 / ($1::int - 1) WHERE $1::int <> 1` with 1 fails
 * "division by zero" under `auto` (the custom plan folds the value) and returns no row under
 * force_generic_plan.
 */
const PLAN_MODE_OPTIONS: Record<PlanMode, string> = { default: '', 'generic-plans': ' -c plan_cache_mode=force_generic_plan' };

/**
 * One pg.Pool per shard node; `add` opens one for a node registered at runtime. A node's
 * `generic-plans` pool (same size and settings otherwise) opens on first use.
 */
export class ShardPools {
  private readonly pools: Pool[];
  private readonly urls: string[];
  private readonly genericPlanPools: (Pool | undefined)[] = [];

  constructor(private readonly options: ShardPoolOptions) {
    this.urls = [...options.urls];
    this.pools = options.urls.map((url, shard) => this.open(url, shard, 'default'));
  }

  /** Opens the pool of the next shard (node id = the current count) at `url`; returns its shard number. */
  add(url: string): number {
    this.urls.push(url);
    this.pools.push(this.open(url, this.pools.length, 'default'));
    return this.pools.length - 1;
  }

  private open(url: string, shard: number, mode: PlanMode): Pool {
    const { options } = this;
    const pool = new Pool({
      connectionString: url,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName,
      // Buckets and partitions are UTC days; date_trunc must not depend on the server's zone.
      // No JIT: our statements touch few rows through indexes, but their cost estimates are high,
      // and JIT then compiled for 0.3 s (query API) to 10 s (a summarizer recompute of 200
      // minutes that ran for 20 ms) before running them.
      options: `-c TimeZone=UTC -c jit=off${options.searchPath ? ` -c search_path=${options.searchPath}` : ''}${PLAN_MODE_OPTIONS[mode]}`,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // pg-pool re-emits errors of idle clients on the pool (pg-pool/index.js); unhandled, they crash us.
    pool.on('error', (error) => options.onError(shard, error));
    // A checked-out client has no pool listener: a node shutting down (57P01) while the client sits
    // between two queries (the writer encoding a COPY, a summarizer claim) emitted 'error' with no
    // listener and killed the writer. The client's next query fails and the caller destroys it.
    pool.on('connect', (client) => client.on('error', (error) => options.onError(shard, error)));
    return pool;
  }

  get count(): number {
    return this.pools.length;
  }

  pool(shard: number, mode: PlanMode = 'default'): Pool {
    const pool = this.pools[shard];
    if (!pool) throw new RangeError(`no shard ${shard} (have ${this.pools.length})`);
    if (mode === 'default') return pool;
    return (this.genericPlanPools[shard] ??= this.open(this.urls[shard], shard, mode));
  }

  /** True when the shard answers `SELECT 1` within its connection timeout. */
  async isReachable(shard: number): Promise<boolean> {
    try {
      await this.pool(shard).query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async end(): Promise<void> {
    await Promise.all([...this.pools, ...this.genericPlanPools].map((p) => p?.end()));
  }
}
