// The fleet rollups' SQL (migration 017): per process name and bucket over every machine a node
// holds, rebuilt from the per-machine rollups of the same level. Levels are '1m', '1h', '1d'.

export const FLEET_LEVELS = ['1m', '1h', '1d'] as const;
export type FleetLevel = (typeof FLEET_LEVELS)[number];

/**
 * Records the fleet buckets whose per-machine rows a transaction rewrote ($1 levels, $2 buckets,
 * parallel arrays). Run in that transaction: the row becomes visible with the rows it speaks of.
 */
export const MARK_FLEET_BUCKETS = `
  INSERT INTO fleet_rollup_outbox (level, bucket)
  SELECT DISTINCT level, bucket FROM unnest($1::text[], $2::timestamptz[]) AS u(level, bucket)`;

/** Whether a fleet bucket waits for its rebuild for at least $1 ms. */
export const HAS_FLEET_WORK = `
  SELECT EXISTS (SELECT 1 FROM fleet_rollup_outbox WHERE created_at <= now() - $1 * interval '1 millisecond') AS has_work`;

/**
 * One rebuilder per node at a time (pg_try: another summarizer that holds it is doing the work).
 * Two rebuilds of overlapping buckets would otherwise lock the same fleet rows in different orders.
 */
export const TRY_LOCK_FLEET = `SELECT pg_try_advisory_xact_lock(hashtext('pa_fleet_rebuild')) AS locked`;

/** Claims and deletes up to $1 fleet outbox rows, oldest first; returns their distinct buckets. */
export const CLAIM_FLEET_OUTBOX = `
  WITH claimed AS (SELECT id FROM fleet_rollup_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED),
  gone AS (DELETE FROM fleet_rollup_outbox o USING claimed c WHERE o.id = c.id RETURNING o.level, o.bucket)
  SELECT DISTINCT level, bucket FROM gone ORDER BY level, bucket`;

/** Deletes the fleet rows of buckets $1 (a name gone from a bucket leaves no row behind). */
export function deleteFleetBuckets(level: FleetLevel): string {
  return `DELETE FROM process_fleet_rollup_${level} WHERE bucket = ANY($1::timestamptz[])`;
}

/**
 * Rebuilds the fleet rows of buckets $1 from the per-machine rows: sums add, minima and maxima
 * combine, so the fleet row equals the aggregate of every raw row of the bucket on this node.
 * The statement reads one snapshot, taken after the claim: it sees every change its claimed rows spoke of.
 */
export function rebuildFleetBuckets(level: FleetLevel): string {
  return `
  INSERT INTO process_fleet_rollup_${level} (name, bucket, machines, samples, cpu_sum, cpu_min, cpu_max,
    mem_sum, mem_min, mem_max, rss_sum, rss_min, rss_max)
  SELECT r.name, r.bucket, count(*), sum(r.samples), sum(r.cpu_sum), min(r.cpu_min), max(r.cpu_max),
         sum(r.mem_sum), min(r.mem_min), max(r.mem_max), sum(r.rss_sum), min(r.rss_min), max(r.rss_max)
  FROM process_rollup_${level} r WHERE r.bucket = ANY($1::timestamptz[])
  GROUP BY r.bucket, r.name`;
}
