import { Pool, PoolClient } from 'pg';
import { withTransaction } from '@pa/pg-shards';
import { BucketKeys } from './bucket-keys';
import {
  CLAIM_FLEET_OUTBOX,
  FLEET_LEVELS,
  FleetLevel,
  HAS_FLEET_WORK,
  MARK_FLEET_BUCKETS,
  TRY_LOCK_FLEET,
  deleteFleetBuckets,
  rebuildFleetBuckets,
} from './fleet-rollup.sql';

/**
 * Fleet buckets rebuilt per statement: a minute of the demo fleet (50 machines × 100 names) is
 * 5,000 per-machine rows, so a statement reads at most about 100,000 rows, well inside the statement timeout.
 */
const FLEET_BUCKETS_PER_STATEMENT = 20;

export interface FleetRebuildResult {
  /** distinct (level, bucket) rebuilt; 0 when there was nothing or another summarizer held the node */
  buckets: number;
}

/**
 * Marks, in the caller's transaction, the fleet buckets of the per-machine buckets it rewrote
 * (`minutes`, `hours`, `days`: the keys recomputeClaim used), so that readers fall back to
 * per-machine rows for them until rebuildFleet has run.
 */
export async function markFleetBuckets(client: PoolClient, byLevel: Record<FleetLevel, BucketKeys>): Promise<void> {
  const levels: string[] = [];
  const buckets: string[] = [];
  for (const level of FLEET_LEVELS) {
    for (const bucket of new Set(byLevel[level].buckets)) {
      levels.push(level);
      buckets.push(bucket);
    }
  }
  if (buckets.length > 0) await client.query(MARK_FLEET_BUCKETS, [levels, buckets]);
}

/** True when some fleet bucket has waited at least `olderThanMs` for its rebuild. */
export async function hasFleetWork(pool: Pool, olderThanMs: number): Promise<boolean> {
  const { rows } = await pool.query<{ has_work: boolean }>(HAS_FLEET_WORK, [olderThanMs]);
  return rows[0].has_work;
}

/**
 * One rebuild, in one transaction: claim up to `limit` fleet outbox rows, rebuild their buckets
 * from the per-machine rollups, commit. A crash rolls the claim back with the rows.
 */
export function rebuildFleet(pool: Pool, limit: number): Promise<FleetRebuildResult> {
  return withTransaction(pool, async (client) => {
    const { rows: lock } = await client.query<{ locked: boolean }>(TRY_LOCK_FLEET);
    if (!lock[0].locked) return { buckets: 0 };
    const { rows } = await client.query<{ level: FleetLevel; bucket: Date }>(CLAIM_FLEET_OUTBOX, [limit]);
    for (const level of FLEET_LEVELS) {
      const buckets = rows.filter((r) => r.level === level).map((r) => r.bucket.toISOString());
      for (let i = 0; i < buckets.length; i += FLEET_BUCKETS_PER_STATEMENT) {
        const slice = buckets.slice(i, i + FLEET_BUCKETS_PER_STATEMENT);
        await client.query(deleteFleetBuckets(level), [slice]);
        await client.query(rebuildFleetBuckets(level), [slice]);
      }
    }
    return { buckets: rows.length };
  });
}
