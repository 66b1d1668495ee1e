import { PoolClient, Pool } from 'pg';
import { withTransaction } from './transaction';
import { ValidSnapshot, processCount } from '@pa/contracts';
import { tracerFor, withSpan } from '@pa/telemetry';
import { copyRows } from './copy-rows';
import { COPY_HEADER, COPY_TRAILER } from './binary-copy';
import { bucketOf } from './shard-routing';
import { EncodedSnapshot, SAMPLE_COLUMNS, encodeSnapshots } from './process-sample-rows';

const tracer = tracerFor('pg-shards');

export interface ShardBatchResult {
  /** snapshots stored by this call */
  inserted: number;
  /** exact replays of snapshots already stored (or twice in the batch), skipped */
  duplicates: number;
  /** process rows copied */
  rows: number;
  /** snapshots whose (machine_id, ts) is already stored with other content: not stored */
  conflicts: ValidSnapshot[];
  /** how long the fence check took, ms: a bucket move raising the node's fence makes it wait */
  fenceWaitMs: number;
}

// Timestamps travel as integer epoch milliseconds so that what we insert and what RETURNING gives
// back compare exactly (no float rounding, no time zone parsing).
const INSERT_LEDGER = `
  INSERT INTO snapshots (machine_id, ts, batch_id, n_processes, content_hash)
  SELECT m, timestamptz 'epoch' + t * interval '1 millisecond', b, n, h
  FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::int[], $5::bytea[]) AS u(m, t, b, n, h)
  ON CONFLICT (machine_id, ts) DO NOTHING
  RETURNING machine_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms`;

// Only for the snapshots the ledger already had: replays are rare outside a restart.
const STORED_HASHES = `
  SELECT s.machine_id, (extract(epoch FROM s.ts) * 1000)::bigint AS ts_ms, s.content_hash
  FROM unnest($1::text[], $2::bigint[]) AS u(m, t)
  JOIN snapshots s ON s.machine_id = u.m AND s.ts = timestamptz 'epoch' + u.t * interval '1 millisecond'`;

const INSERT_MACHINES = `
  INSERT INTO machines (machine_id, bucket) SELECT * FROM unnest($1::text[], $2::smallint[]) ON CONFLICT DO NOTHING`;

const INSERT_OUTBOX = `
  INSERT INTO rollup_outbox (machine_id, from_ts, to_ts)
  SELECT m, timestamptz 'epoch' + f * interval '1 millisecond', timestamptz 'epoch' + t * interval '1 millisecond'
  FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(m, f, t)`;

/**
 * Stores snapshots on shard `shard` (of `pool`) in one transaction: ledger insert (drops exact
 * replays, reports conflicts), the machines directory, COPY of the new snapshots' process rows,
 * outbox rows for the summarizer, the fence check of the writer's shard map version (PA001 when a
 * bucket move fenced it off), commit. Throws the driver's error after rolling back; the caller
 * classifies it.
 */
export async function writeShardBatch(pool: Pool, snapshots: ValidSnapshot[], shard: number, mapVersion: number): Promise<ShardBatchResult> {
  const { unique, duplicates, conflicts } = uniqueByKey(encodeSnapshots(snapshots));
  return withTransaction(pool, async (client) => {
    const ledger = await withSpan(tracer, 'ledger.insert', { snapshots: unique.length }, async (span) => {
      const result = await insertLedger(client, unique);
      span.setAttributes({ 'snapshots.new': result.fresh.length, 'snapshots.conflicting': result.conflicts.length });
      return result;
    });
    const rows = ledger.fresh.length ? await copySamples(client, ledger.fresh, shard) : 0;
    if (ledger.fresh.length) {
      await insertMachines(client, ledger.fresh.map((e) => e.snapshot.machine_id));
      await insertOutbox(client, ledger.fresh.map((e) => e.snapshot));
    }
    // Checked last, so the fence row is held (FOR SHARE) only from here to COMMIT: a bucket move
    // raising the fence waits milliseconds, not for a whole COPY (it measured 1.4 s at the start).
    const fenceStarted = performance.now();
    await client.query('SELECT pa_check_map_version($1)', [mapVersion]);
    const fenceWaitMs = performance.now() - fenceStarted;
    return {
      fenceWaitMs,
      inserted: ledger.fresh.length,
      duplicates: duplicates + ledger.replays,
      rows,
      conflicts: [...conflicts, ...ledger.conflicts].map((e) => e.snapshot),
    };
  }, 'BEGIN', (commit) => withSpan(tracer, 'commit', {}, commit));
}

/** Keeps the first snapshot of each (machine_id, ts): a batch may carry the same one twice, or two that conflict. */
function uniqueByKey(encoded: EncodedSnapshot[]): { unique: EncodedSnapshot[]; duplicates: number; conflicts: EncodedSnapshot[] } {
  const first = new Map<string, EncodedSnapshot>();
  const conflicts: EncodedSnapshot[] = [];
  let duplicates = 0;
  for (const e of encoded) {
    const key = keyOf(e.snapshot.machine_id, e.snapshot.tsMs);
    const seen = first.get(key);
    if (!seen) first.set(key, e);
    else if (seen.contentHash.equals(e.contentHash)) duplicates++;
    else conflicts.push(e);
  }
  return { unique: [...first.values()], duplicates, conflicts };
}

function keyOf(machineId: string, tsMs: number | string): string {
  return `${tsMs}|${machineId}`;
}

// COPY goes straight into each UTC day's partition (process_samples_YYYYMMDD, named by
// pa_ensure_day_partition): measured 1.9x faster than COPY into the parent, which routes every row
// (npm run bench, item 1). The caller made sure the partitions exist.
async function copySamples(client: PoolClient, encoded: EncodedSnapshot[], shard: number): Promise<number> {
  let rows = 0;
  for (const [day, group] of groupByUtcDay(encoded)) {
    rows += await withSpan(tracer, 'process_samples.copy', { shard, snapshots: group.length, partition: day }, async (span) => {
      const chunks = [COPY_HEADER, ...group.flatMap((e) => e.parts), COPY_TRAILER];
      const copied = await copyRows(client, `process_samples_${day}`, SAMPLE_COLUMNS, chunks);
      span.setAttributes({ rows: copied, bytes: chunks.reduce((n, c) => n + c.length, 0) });
      return copied;
    });
  }
  return rows;
}

/** Snapshots by the UTC day of their ts, as YYYYMMDD. */
function groupByUtcDay(encoded: EncodedSnapshot[]): Map<string, EncodedSnapshot[]> {
  const days = new Map<string, EncodedSnapshot[]>();
  for (const s of encoded) {
    const day = new Date(s.snapshot.tsMs).toISOString().slice(0, 10).replace(/-/g, '');
    const group = days.get(day);
    if (group) group.push(s);
    else days.set(day, [s]);
  }
  return days;
}

interface LedgerOutcome {
  fresh: EncodedSnapshot[];
  /** exact replays of stored snapshots */
  replays: number;
  conflicts: EncodedSnapshot[];
}

async function insertLedger(client: PoolClient, encoded: EncodedSnapshot[]): Promise<LedgerOutcome> {
  const { rows } = await client.query<{ machine_id: string; ts_ms: string }>(INSERT_LEDGER, [
    encoded.map((e) => e.snapshot.machine_id),
    encoded.map((e) => e.snapshot.tsMs),
    encoded.map((e) => e.snapshot.batch_id ?? null),
    encoded.map((e) => processCount(e.snapshot)),
    encoded.map((e) => e.contentHash),
  ]);
  const isNew = new Set(rows.map((r) => keyOf(r.machine_id, r.ts_ms)));
  const fresh = encoded.filter((e) => isNew.has(keyOf(e.snapshot.machine_id, e.snapshot.tsMs)));
  const seen = encoded.filter((e) => !isNew.has(keyOf(e.snapshot.machine_id, e.snapshot.tsMs)));
  const conflicts = seen.length ? await conflictsAmong(client, seen) : [];
  return { fresh, replays: seen.length - conflicts.length, conflicts };
}

/**
 * The snapshots whose stored twin has other content. A twin without a hash (stored before
 * migration 009) or not visible to this statement (another writer's insert committed meanwhile:
 * the same record replayed across a rebalance) counts as a replay.
 */
async function conflictsAmong(client: PoolClient, seen: EncodedSnapshot[]): Promise<EncodedSnapshot[]> {
  const { rows } = await client.query<{ machine_id: string; ts_ms: string; content_hash: Buffer | null }>(STORED_HASHES, [
    seen.map((e) => e.snapshot.machine_id),
    seen.map((e) => e.snapshot.tsMs),
  ]);
  const stored = new Map(rows.map((r) => [keyOf(r.machine_id, r.ts_ms), r.content_hash]));
  return seen.filter((e) => {
    const hash = stored.get(keyOf(e.snapshot.machine_id, e.snapshot.tsMs));
    return hash != null && !hash.equals(e.contentHash);
  });
}

/** New machines join the node's directory with their bucket (computed here, the one routing function). */
async function insertMachines(client: PoolClient, machineIds: string[]): Promise<void> {
  const distinct = [...new Set(machineIds)];
  await client.query(INSERT_MACHINES, [distinct, distinct.map(bucketOf)]);
}

async function insertOutbox(client: PoolClient, snapshots: ValidSnapshot[]): Promise<void> {
  const ranges = new Map<string, { from: number; to: number }>();
  for (const s of snapshots) {
    const r = ranges.get(s.machine_id);
    if (!r) ranges.set(s.machine_id, { from: s.tsMs, to: s.tsMs });
    else {
      r.from = Math.min(r.from, s.tsMs);
      r.to = Math.max(r.to, s.tsMs);
    }
  }
  const entries = [...ranges];
  await client.query(INSERT_OUTBOX, [entries.map(([m]) => m), entries.map(([, r]) => r.from), entries.map(([, r]) => r.to)]);
}
