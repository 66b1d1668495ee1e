import { pipeline } from 'node:stream/promises';
import { Pool, PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { SAMPLE_COLUMNS, bucketOf, withTransaction } from '@pa/pg-shards';
import { allSamplesOf } from './all-samples';
import { HistorySlice } from './history-slices';

export interface SliceCopy {
  /** snapshots the target did not have yet */
  snapshots: number;
  rows: number;
}

const LEDGER_COLUMNS = 'machine_id, ts, batch_id, n_processes, received_at, content_hash';
// received_at as text: a JS Date would cut its microseconds.
const LEDGER_SELECT = 'machine_id, ts, batch_id, n_processes, received_at::text AS received_at, content_hash';

/**
 * Copies one slice of history from `source` to `target` in one target transaction, gated by the
 * target's ledger exactly like the writer: the slice's ledger rows go in with ON CONFLICT DO
 * NOTHING, and only the process rows of snapshots that were new there are kept (the writers
 * already write this range to both nodes, so recent snapshots may be there). The same transaction
 * adds the machines and the outbox rows, so the target's summarizer computes their rollups from
 * the copied rows. Idempotent: run again, it copies nothing.
 */
export async function copySlice(source: Pool, target: Pool, slice: HistorySlice): Promise<SliceCopy> {
  await target.query('SELECT pa_ensure_day_partition($1::date)', [slice.day]);
  const reader = await source.connect();
  try {
    // One snapshot of the source for the ledger rows and the COPY: a snapshot written there (by
    // the double writes) between the two reads would otherwise bring its rows without its ledger row.
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const ledger = await reader.query(
      `SELECT ${LEDGER_SELECT} FROM snapshots WHERE machine_id = ANY($1) AND ts >= $2 AND ts < $3`,
      [slice.machines, new Date(slice.fromMs), new Date(slice.toMs)],
    );
    if (ledger.rows.length === 0) return { snapshots: 0, rows: 0 };
    return await withTransaction(target, async (client) => {
      const fresh = await insertLedger(client, ledger.rows);
      if (fresh.length === 0) return { snapshots: 0, rows: 0 };
      const rows = await copyRows(reader, client, slice, fresh.length === ledger.rows.length ? undefined : fresh);
      await insertMachinesAndOutbox(client, fresh);
      return { snapshots: fresh.length, rows };
    });
  } finally {
    await reader.query('ROLLBACK').catch(() => undefined);
    reader.release();
  }
}

interface LedgerKey {
  machine_id: string;
  ts_ms: string;
}

async function insertLedger(client: PoolClient, rows: Record<string, unknown>[]): Promise<LedgerKey[]> {
  const column = (name: string) => rows.map((r) => r[name]);
  const { rows: fresh } = await client.query<LedgerKey>(
    `INSERT INTO snapshots (${LEDGER_COLUMNS})
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::uuid[], $4::int[], $5::timestamptz[], $6::bytea[])
     ON CONFLICT (machine_id, ts) DO NOTHING
     RETURNING machine_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms`,
    ['machine_id', 'ts', 'batch_id', 'n_processes', 'received_at', 'content_hash'].map(column),
  );
  return fresh;
}

/**
 * Streams the slice's process rows source → target in COPY binary (no parsing on either side),
 * heap and compressed alike.
 * COPY (query) takes no parameters: machine ids go in as escaped literals (the contract allows
 * only [A-Za-z0-9._:-] anyway). When only some snapshots were new, the rows land in a temporary
 * table first and only theirs are kept.
 */
async function copyRows(reader: PoolClient, client: PoolClient, slice: HistorySlice, onlyKeys: LedgerKey[] | undefined): Promise<number> {
  const columns = SAMPLE_COLUMNS.join(', ');
  const ids = slice.machines.map((m) => reader.escapeLiteral(m)).join(', ');
  const window = { from: `'${new Date(slice.fromMs).toISOString()}'`, to: `'${new Date(slice.toMs).toISOString()}'` };
  const select = `SELECT ${columns} FROM ${allSamplesOf(`IN (${ids})`, window)} AS p`;
  const partition = `process_samples_${slice.day.replace(/-/g, '')}`;
  const into = onlyKeys ? 'pa_move_incoming' : partition;
  if (onlyKeys) await client.query(`CREATE TEMP TABLE pa_move_incoming (LIKE process_samples) ON COMMIT DROP`);
  const sink = client.query(copyFrom(`COPY ${into} (${columns}) FROM STDIN (FORMAT binary)`));
  await pipeline(reader.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`)), sink);
  if (!onlyKeys) return sink.rowCount;
  const kept = await client.query(
    `INSERT INTO ${partition} (${columns}) SELECT ${columns} FROM pa_move_incoming i
     JOIN unnest($1::text[], $2::bigint[]) AS k(m, t) ON i.machine_id = k.m AND i.ts = timestamptz 'epoch' + k.t * interval '1 millisecond'`,
    [onlyKeys.map((k) => k.machine_id), onlyKeys.map((k) => k.ts_ms)],
  );
  return kept.rowCount ?? 0;
}

async function insertMachinesAndOutbox(client: PoolClient, fresh: LedgerKey[]): Promise<void> {
  const ranges = new Map<string, { from: number; to: number }>();
  for (const { machine_id, ts_ms } of fresh) {
    const ms = Number(ts_ms);
    const r = ranges.get(machine_id);
    if (!r) ranges.set(machine_id, { from: ms, to: ms });
    else [r.from, r.to] = [Math.min(r.from, ms), Math.max(r.to, ms)];
  }
  const ids = [...ranges.keys()];
  await client.query('INSERT INTO machines (machine_id, bucket) SELECT * FROM unnest($1::text[], $2::smallint[]) ON CONFLICT DO NOTHING', [
    ids,
    ids.map(bucketOf),
  ]);
  await client.query(
    `INSERT INTO rollup_outbox (machine_id, from_ts, to_ts)
     SELECT m, timestamptz 'epoch' + f * interval '1 millisecond', timestamptz 'epoch' + t * interval '1 millisecond'
     FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(m, f, t)`,
    [ids, ids.map((id) => ranges.get(id)?.from), ids.map((id) => ranges.get(id)?.to)],
  );
}
