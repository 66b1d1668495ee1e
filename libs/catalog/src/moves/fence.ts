import { Pool } from 'pg';

/**
 * Raises a node's fence to `version` (migration 010): from its commit on, a writer whose shard
 * map is older is refused there (PA001) and reloads the map. The UPDATE waits for the writers'
 * transactions in flight (each holds the fence row FOR SHARE), so once this returns, nothing
 * written under an older map can still commit on the node. Resolves with how long it waited, ms.
 */
export async function raiseFence(pool: Pool, version: number): Promise<number> {
  const started = performance.now();
  await pool.query('UPDATE shard_fence SET min_map_version = greatest(min_map_version, $1)', [version]);
  return performance.now() - started;
}
