// The summarizer's SQL. Buckets travel as ISO strings with 'Z' and as epoch ms, never as local time.

/**
 * Claims up to $1 outbox rows of the machines whose oldest pending row is at least $2 ms old, with
 * all their newer rows (skipping rows another summarizer holds), and deletes them in this
 * transaction. Waiting for a machine's rows to settle lets one recompute cover several snapshots:
 * a minute is recomputed from all its raw rows, so recomputing it at every new snapshot would read
 * the minute over and over (a machine sampled every second: 30 times the raw reads).
 */
export const CLAIM_OUTBOX = `
  WITH ripe AS (
    SELECT machine_id FROM rollup_outbox
    GROUP BY machine_id HAVING min(created_at) <= now() - $2 * interval '1 millisecond'
    ORDER BY min(id) LIMIT $1
  ), claimed AS (
    SELECT o.id FROM rollup_outbox o JOIN ripe r ON r.machine_id = o.machine_id
    ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED
  )
  DELETE FROM rollup_outbox o USING claimed c WHERE o.id = c.id
  RETURNING o.machine_id, o.from_ts, o.to_ts, o.created_at`;

/** Whether any outbox row has settled: idle polls stay this cheap. */
export const HAS_SETTLED_WORK = `
  SELECT EXISTS (SELECT 1 FROM rollup_outbox WHERE created_at <= now() - $1 * interval '1 millisecond') AS has_work`;

/**
 * Serializes recomputation per machine across summarizers: without it, a summarizer that read raw
 * rows before another writer batch committed could overwrite a newer result. Sorted, so no deadlock.
 */
export const LOCK_MACHINES = `
  SELECT count(pg_advisory_xact_lock(hashtext('pa_rollup:' || m)))
  FROM (SELECT DISTINCT m FROM unnest($1::text[]) AS m ORDER BY m) AS machines`;

/** The minute buckets that hold snapshots in the claimed ranges. */
export const DIRTY_MINUTES = `
  SELECT DISTINCT s.machine_id, (extract(epoch FROM date_trunc('minute', s.ts)) * 1000)::bigint AS bucket_ms
  FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS r(machine_id, from_ts, to_ts)
  JOIN snapshots s ON s.machine_id = r.machine_id AND s.ts >= r.from_ts AND s.ts <= r.to_ts`;

/**
 * The raw rows of one dirty (machine, minute), heap and compressed alike (a late row into a
 * compressed day recomputes its minute from both: migration 013), as a LATERAL subquery: OFFSET 0 keeps the planner
 * from flattening it into a hash join over every partition. With 200 dirty minutes it estimated
 * 8,000 rows a minute and scanned all 4 million rows of the shard per statement (4 s) instead of
 * 200 index range scans.
 */
const RAW_MINUTE = `SELECT * FROM pa_read.process_samples_between(d.bucket, d.bucket + interval '1 minute') p
    WHERE p.machine_id = d.machine_id OFFSET 0`;

const DIRTY = `dirty AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS d(machine_id, bucket))`;

const MACHINE_COLUMNS = `machine_id, bucket, snapshots, samples, cpu_sum, cpu_max, cpu_total_max,
  mem_sum, mem_max, mem_total_max, rss_sum, rss_max, rss_total_max`;
const MACHINE_UPDATE = `snapshots = EXCLUDED.snapshots, samples = EXCLUDED.samples,
  cpu_sum = EXCLUDED.cpu_sum, cpu_max = EXCLUDED.cpu_max, cpu_total_max = EXCLUDED.cpu_total_max,
  mem_sum = EXCLUDED.mem_sum, mem_max = EXCLUDED.mem_max, mem_total_max = EXCLUDED.mem_total_max,
  rss_sum = EXCLUDED.rss_sum, rss_max = EXCLUDED.rss_max, rss_total_max = EXCLUDED.rss_total_max`;
const PROCESS_COLUMNS = `machine_id, name, bucket, samples, cpu_sum, cpu_min, cpu_max, mem_sum, mem_min, mem_max,
  rss_sum, rss_min, rss_max, pids`;
const PROCESS_UPDATE = `samples = EXCLUDED.samples, cpu_sum = EXCLUDED.cpu_sum, cpu_min = EXCLUDED.cpu_min,
  cpu_max = EXCLUDED.cpu_max, mem_sum = EXCLUDED.mem_sum, mem_min = EXCLUDED.mem_min, mem_max = EXCLUDED.mem_max,
  rss_sum = EXCLUDED.rss_sum, rss_min = EXCLUDED.rss_min, rss_max = EXCLUDED.rss_max, pids = EXCLUDED.pids`;

/** Machine minutes from raw rows: per snapshot totals first (a snapshot may have no processes). */
export const MACHINE_MINUTES_FROM_RAW = `
  WITH ${DIRTY},
  per_snapshot AS (
    SELECT s.machine_id, d.bucket, s.ts, count(p.pid) AS n,
           coalesce(sum(p.cpu_pct), 0) AS cpu, max(p.cpu_pct) AS cpu_max,
           coalesce(sum(p.mem_pct), 0) AS mem, max(p.mem_pct) AS mem_max,
           coalesce(sum(p.rss_bytes), 0) AS rss, max(p.rss_bytes) AS rss_max
    FROM dirty d
    CROSS JOIN LATERAL (SELECT * FROM snapshots s WHERE s.machine_id = d.machine_id AND s.ts >= d.bucket AND s.ts < d.bucket + interval '1 minute' OFFSET 0) s
    LEFT JOIN LATERAL (SELECT * FROM pa_read.process_samples_between(s.ts, s.ts + interval '1 microsecond') p WHERE p.machine_id = s.machine_id OFFSET 0) p ON true
    GROUP BY s.machine_id, d.bucket, s.ts
  )
  INSERT INTO machine_rollup_1m (${MACHINE_COLUMNS})
  SELECT machine_id, bucket, count(*), sum(n), sum(cpu), max(cpu_max), max(cpu),
         sum(mem), max(mem_max), max(mem), sum(rss), max(rss_max), max(rss)
  FROM per_snapshot GROUP BY machine_id, bucket
  ON CONFLICT (machine_id, bucket) DO UPDATE SET ${MACHINE_UPDATE}`;

/** Process minutes from raw rows. */
export const PROCESS_MINUTES_FROM_RAW = `
  WITH ${DIRTY}
  INSERT INTO process_rollup_1m (${PROCESS_COLUMNS})
  SELECT p.machine_id, p.name, d.bucket, count(*), sum(p.cpu_pct), min(p.cpu_pct), max(p.cpu_pct),
         sum(p.mem_pct), min(p.mem_pct), max(p.mem_pct), sum(p.rss_bytes), min(p.rss_bytes), max(p.rss_bytes),
         array_agg(DISTINCT p.pid ORDER BY p.pid)
  FROM dirty d
  CROSS JOIN LATERAL (${RAW_MINUTE}) p
  GROUP BY p.machine_id, p.name, d.bucket
  ON CONFLICT (machine_id, name, bucket) DO UPDATE SET ${PROCESS_UPDATE}`;

/** Coarser machine buckets from the next finer level (partials merge exactly). */
export function machineRollupFrom(target: string, source: string, width: string): string {
  return `
  WITH ${DIRTY}
  INSERT INTO ${target} (${MACHINE_COLUMNS})
  SELECT r.machine_id, d.bucket, sum(r.snapshots), sum(r.samples), sum(r.cpu_sum), max(r.cpu_max), max(r.cpu_total_max),
         sum(r.mem_sum), max(r.mem_max), max(r.mem_total_max), sum(r.rss_sum), max(r.rss_max), max(r.rss_total_max)
  FROM dirty d
  CROSS JOIN LATERAL (SELECT * FROM ${source} r WHERE r.machine_id = d.machine_id AND r.bucket >= d.bucket AND r.bucket < d.bucket + interval '${width}' OFFSET 0) r
  GROUP BY r.machine_id, d.bucket
  ON CONFLICT (machine_id, bucket) DO UPDATE SET ${MACHINE_UPDATE}`;
}

/** Coarser process buckets from the next finer level. */
export function processRollupFrom(target: string, source: string, width: string): string {
  return `
  WITH ${DIRTY}
  INSERT INTO ${target} (${PROCESS_COLUMNS})
  SELECT r.machine_id, r.name, d.bucket, sum(r.samples), sum(r.cpu_sum), min(r.cpu_min), max(r.cpu_max),
         sum(r.mem_sum), min(r.mem_min), max(r.mem_max), sum(r.rss_sum), min(r.rss_min), max(r.rss_max),
         pa_pid_union(r.pids)
  FROM dirty d
  CROSS JOIN LATERAL (SELECT * FROM ${source} r WHERE r.machine_id = d.machine_id AND r.bucket >= d.bucket AND r.bucket < d.bucket + interval '${width}' OFFSET 0) r
  GROUP BY r.machine_id, r.name, d.bucket
  ON CONFLICT (machine_id, name, bucket) DO UPDATE SET ${PROCESS_UPDATE}`;
}
