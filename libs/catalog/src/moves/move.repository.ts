import { Pool, PoolClient } from 'pg';
import { publishShardMap, readClusterState } from '../cluster-state.repository';
import { ShardMap, withTransaction } from '@pa/pg-shards';
import { Move, MoveStep, mapForStep } from './move-steps';

/** A move as the catalog records it (table bucket_moves). */
export interface MoveRecord extends Move {
  moveId: number;
  step: MoveStep | 'planned';
  isStepDone: boolean;
  isAborted: boolean;
  snapshotsCopied: number;
  rowsCopied: number;
}

const COLUMNS = `move_id AS "moveId", from_bucket AS "from", to_bucket AS "to", source_node_id AS source,
  target_node_id AS target, step, is_step_done AS "isStepDone", is_aborted AS "isAborted",
  snapshots_copied::float8 AS "snapshotsCopied", rows_copied::float8 AS "rowsCopied"`;

/** The unfinished move, if any (there is at most one). */
export async function unfinishedMove(catalog: Pool): Promise<MoveRecord | undefined> {
  const { rows } = await catalog.query<MoveRecord>(`SELECT ${COLUMNS} FROM bucket_moves WHERE NOT is_finished`);
  return rows[0];
}

/** Records a new move (step `planned`); fails (23505) while another one is unfinished. */
export async function recordMove(catalog: Pool, move: Move): Promise<MoveRecord> {
  const { rows } = await catalog.query<MoveRecord>(
    `INSERT INTO bucket_moves (from_bucket, to_bucket, source_node_id, target_node_id, step) VALUES ($1, $2, $3, $4, 'planned') RETURNING ${COLUMNS}`,
    [move.from, move.to, move.source, move.target],
  );
  return rows[0];
}

/**
 * Publishes the map of `step` and records the move at that step, in one catalog transaction:
 * a mover killed at any point finds the map and its record in agreement. Returns the version.
 */
export async function publishStep(catalog: Pool, record: MoveRecord, step: MoveStep, map?: Omit<ShardMap, 'version'>): Promise<number> {
  return withTransaction(catalog, async (client) => {
    // Before reading: a node added meanwhile must not be lost between our read and our publish.
    await client.query('LOCK TABLE shard_map_versions IN EXCLUSIVE MODE');
    const current = await currentMap(client);
    const next = map ?? mapForStep(current, record, step);
    const version = await publishShardMap(client, next, `move ${record.moveId} of buckets ${record.from}-${record.to} from node ${record.source} to node ${record.target}: ${step}`);
    await client.query('UPDATE bucket_moves SET step = $2, is_step_done = false, updated_at = now() WHERE move_id = $1', [record.moveId, step]);
    record.step = step;
    record.isStepDone = false;
    return version;
  });
}

export async function markStepDone(catalog: Pool, record: MoveRecord): Promise<void> {
  await catalog.query('UPDATE bucket_moves SET is_step_done = true, updated_at = now() WHERE move_id = $1', [record.moveId]);
  record.isStepDone = true;
}

export async function recordProgress(catalog: Pool, record: MoveRecord, snapshots: number, rows: number): Promise<void> {
  await catalog.query('UPDATE bucket_moves SET snapshots_copied = $2, rows_copied = $3, updated_at = now() WHERE move_id = $1', [record.moveId, snapshots, rows]);
  [record.snapshotsCopied, record.rowsCopied] = [snapshots, rows];
}

export async function finishMove(catalog: Pool, record: MoveRecord, isAborted: boolean, note: string): Promise<void> {
  await catalog.query('UPDATE bucket_moves SET is_finished = true, is_aborted = $2, note = $3, updated_at = now() WHERE move_id = $1', [record.moveId, isAborted, note]);
}

async function currentMap(client: PoolClient): Promise<ShardMap> {
  const state = await readClusterState(client);
  if (!state) throw new Error('the catalog has no shard map');
  return state.map;
}
