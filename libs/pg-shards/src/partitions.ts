import { Pool } from 'pg';

const DAY_MS = 86_400_000;

/**
 * Remembers which UTC days already have partitions on each shard, and creates missing ones
 * (in their own short transaction, before the data transaction, so DDL locks are not held
 * across a COPY).
 */
export class DayPartitions {
  private readonly known: Set<number>[] = [];

  /** Ensures partitions exist for every day touched by `tsMs` values on `shard`. */
  async ensure(shard: number, pool: Pool, tsMs: Iterable<number>): Promise<void> {
    const known = (this.known[shard] ??= new Set());
    const missing = new Set<number>();
    for (const ms of tsMs) {
      const day = Math.floor(ms / DAY_MS);
      if (!known.has(day)) missing.add(day);
    }
    for (const day of missing) {
      const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      await pool.query('SELECT pa_ensure_day_partition($1::date)', [date]);
      known.add(day);
    }
  }

  /** Forget what we know of a shard (e.g. after "no partition found": someone dropped one). */
  forget(shard: number): void {
    this.known[shard]?.clear();
  }
}
