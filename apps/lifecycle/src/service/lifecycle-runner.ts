import { Pool } from 'pg';
import { LifecycleConfig } from '@pa/config';
import { SealResult, sealDay } from '../compress/day-compressor';
import { dueDays } from '../compress/sealed-days';
import { ShardRetention, describeRetention, retainShard } from '../retention/retention-runner';
import { stopHook } from './stop-hook';


/** What one run did on one shard node. */
export interface ShardRun {
  shard: number;
  /** set when another instance held the node's lifecycle lock: nothing was done */
  skipped?: string;
  sealed: SealResult[];
  /** what retention did (absent when skipped) */
  retention?: ShardRetention;
}

/** The session advisory lock that gives one shard node to one lifecycle instance at a time. */
export const LIFECYCLE_LOCK_SQL = `SELECT pg_try_advisory_lock(hashtext('pa_lifecycle')) AS locked`;
const UNLOCK_SQL = `SELECT pg_advisory_unlock(hashtext('pa_lifecycle'))`;


/**
 * Every due step once on the node behind `pool`, while this session holds the node's lifecycle
 * lock: each sealed day with heap rows is compressed (or its late rows merged), oldest first; then
 * each day past the raw retention is archived (encrypted with `archiveKey`), verified and dropped,
 * and old rollups deleted. A node another instance works on is skipped. `log` hears a line per day.
 */
export async function runShard(shard: number, pool: Pool, config: LifecycleConfig, archiveKey: Buffer, log: (line: string) => void): Promise<ShardRun> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>(LIFECYCLE_LOCK_SQL);
    if (!rows[0].locked) return { shard, skipped: 'another lifecycle instance is working on this shard', sealed: [] };
    try {
      // A day's rewrite is one long statement; the pool's per-statement timeout is for queries.
      await client.query('SET statement_timeout = 0');
      const sealed: SealResult[] = [];
      const hooks = { atPoint: stopHook(config.stopAt), corrupt: config.corruptForTest };
      for (const day of await dueDays(client, config)) {
        const result = await sealDay(client, day, hooks);
        log(describeSeal(shard, result));
        sealed.push(result);
      }
      const retention = await retainShard(client, shard, config, archiveKey);
      for (const r of retention.days) log(describeRetention(shard, r));
      for (const [table, n] of Object.entries(retention.rollupsDeleted)) log(`shard ${shard}: ${n} rows of ${table} past their retention deleted`);
      return { shard, sealed, retention };
    } finally {
      await client.query(UNLOCK_SQL);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    // A session whose work failed may still hold the lock: destroyed, the server drops it.
    client.release(broken);
  }
}

export function describeSeal(shard: number, r: SealResult): string {
  const what = r.oldSegments > 0 ? `merged ${r.heapRows} late rows into ${r.oldSegments} segments -> ${r.newSegments}` : `compressed ${r.heapRows} rows into ${r.newSegments} segments`;
  return r.status === 'done' ? `shard ${shard} ${r.day}: ${what}` : `shard ${shard} ${r.day}: NOT compressed, heap kept: ${r.detail}`;
}
