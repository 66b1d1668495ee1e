import { Pool, PoolClient } from 'pg';
import { withTransaction } from '@pa/pg-shards';
import { BucketKeys, WIDTH_MS, coarsen, sliceKeys } from './bucket-keys';
import { markFleetBuckets } from './fleet-rollup.repository';
import {
  CLAIM_OUTBOX,
  DIRTY_MINUTES,
  HAS_SETTLED_WORK,
  LOCK_MACHINES,
  MACHINE_MINUTES_FROM_RAW,
  PROCESS_MINUTES_FROM_RAW,
  machineRollupFrom,
  processRollupFrom,
} from './rollup.sql';

export interface RecomputeResult {
  /** outbox rows claimed and deleted */
  claimed: number;
  /** minute buckets (machine × minute) recomputed from raw rows */
  minutes: number;
  hours: number;
  days: number;
  /** oldest claimed outbox row's age when claimed, ms (rollup freshness) */
  oldestAgeMs: number;
}

/**
 * Buckets recomputed per statement. The statement timeout holds per statement: a claim of back-filled
 * outbox rows (each spanning hours of a machine) in one statement ran past it, and was retried the
 * same way for ever. In slices each statement stays small; the transaction stays one.
 */
const BUCKETS_PER_STATEMENT = 200;

const HOURS_FROM_MINUTES = [
  machineRollupFrom('machine_rollup_1h', 'machine_rollup_1m', '1 hour'),
  processRollupFrom('process_rollup_1h', 'process_rollup_1m', '1 hour'),
];
const DAYS_FROM_HOURS = [
  machineRollupFrom('machine_rollup_1d', 'machine_rollup_1h', '1 day'),
  processRollupFrom('process_rollup_1d', 'process_rollup_1h', '1 day'),
];

/** True when some outbox row has settled for `settleMs` (a claim would find work). */
export async function hasSettledWork(pool: Pool, settleMs: number): Promise<boolean> {
  const { rows } = await pool.query<{ has_work: boolean }>(HAS_SETTLED_WORK, [settleMs]);
  return rows[0].has_work;
}

/**
 * One claim, in one transaction: take up to `limit` outbox rows of machines whose rows have
 * settled for `settleMs`, recompute the minute buckets they touch from raw rows, then those hours
 * from minutes and those days from hours, mark their fleet buckets for a rebuild, delete the
 * claimed rows, commit. A crash anywhere rolls
 * everything back and leaves the rows for the next run.
 */
export async function recomputeClaim(pool: Pool, limit: number, settleMs: number): Promise<RecomputeResult> {
  return withTransaction(pool, (client) => recompute(client, limit, settleMs));
}

async function recompute(client: PoolClient, limit: number, settleMs: number): Promise<RecomputeResult> {
  const { rows: claimed } = await client.query<{ machine_id: string; from_ts: Date; to_ts: Date; created_at: Date }>(
    CLAIM_OUTBOX,
    [limit, settleMs],
  );
  const empty = { claimed: 0, minutes: 0, hours: 0, days: 0, oldestAgeMs: 0 };
  if (claimed.length === 0) return empty;
  const machines = claimed.map((c) => c.machine_id);
  await client.query(LOCK_MACHINES, [machines]);
  const { rows: minuteRows } = await client.query<{ machine_id: string; bucket_ms: string }>(DIRTY_MINUTES, [
    machines,
    claimed.map((c) => c.from_ts),
    claimed.map((c) => c.to_ts),
  ]);
  const dirty = minuteRows.map((r) => ({ machine_id: r.machine_id, bucket_ms: Number(r.bucket_ms) }));
  const minutes = coarsen(dirty, WIDTH_MS.minute);
  const hours = coarsen(dirty, WIDTH_MS.hour);
  const days = coarsen(dirty, WIDTH_MS.day);
  await runSliced(client, [MACHINE_MINUTES_FROM_RAW, PROCESS_MINUTES_FROM_RAW], minutes);
  await runSliced(client, HOURS_FROM_MINUTES, hours);
  await runSliced(client, DAYS_FROM_HOURS, days);
  // The fleet rows of these buckets no longer equal their per-machine rows: readers fall back
  // until the rebuild (fleet-rollup.repository.ts), and that is visible from the same commit.
  await markFleetBuckets(client, { '1m': minutes, '1h': hours, '1d': days });
  const oldest = Math.min(...claimed.map((c) => c.created_at.getTime()));
  return {
    claimed: claimed.length,
    minutes: minutes.machines.length,
    hours: hours.machines.length,
    days: days.machines.length,
    oldestAgeMs: Date.now() - oldest,
  };
}

async function runSliced(client: PoolClient, statements: string[], keys: BucketKeys): Promise<void> {
  for (const slice of sliceKeys(keys, BUCKETS_PER_STATEMENT)) {
    for (const sql of statements) await client.query(sql, [slice.machines, slice.buckets]);
  }
}
