import { PoolClient } from 'pg';
import { LifecycleConfig } from '@pa/config';
import { stopHook } from '../service/stop-hook';
import { dayArchive } from './archive-store';
import { RetentionResult, retainDay } from './day-retention';
import { isPastRetention } from './retention-policy';
import { RollupsDeleted, deleteOldRollups } from './rollup-retention';
import { CANDIDATE_DAYS, SESSION_SETTINGS } from './retention.sql';

export interface ShardRetention {
  days: RetentionResult[];
  rollupsDeleted: RollupsDeleted;
}

/** Days of the node (tables or retention steps) past the raw retention, in scope, oldest first. */
export async function daysPastRetention(client: PoolClient, config: LifecycleConfig, nowMs: number): Promise<string[]> {
  const { rows } = await client.query<{ day: string }>(CANDIDATE_DAYS);
  return rows.map((r) => r.day).filter((day) => (!config.onlyDays || config.onlyDays.includes(day)) && isPastRetention(day, nowMs, config.retention.rawMs));
}

/**
 * Retention on one node (its lifecycle lock held by the caller's session `client`): every day past
 * the raw retention archived, verified and dropped; then rollups past theirs deleted.
 */
export async function retainShard(client: PoolClient, shard: number, config: LifecycleConfig, key: Buffer): Promise<ShardRetention> {
  const nowMs = Date.now();
  await client.query(SESSION_SETTINGS);
  const hooks = { atPoint: stopHook(config.stopAt), nowMs, restoreHoldMs: config.retention.restoreHoldMs };
  const days: RetentionResult[] = [];
  for (const day of await daysPastRetention(client, config, nowMs)) {
    const result = await retainDay(client, dayArchive(config.retention.archiveDir, shard, day, key, config.retention.archiveRowGroupRows), hooks);
    if (result) days.push(result);
  }
  return { days, rollupsDeleted: await deleteOldRollups(client, config.retention, nowMs, config.onlyDays) };
}

export function describeRetention(shard: number, r: RetentionResult): string {
  if (r.outcome === 'dropped') return `shard ${shard} ${r.day}: archived ${r.samples} samples and ${r.ledgerRows} ledger rows (${r.archiveBytes} bytes, verified), day dropped`;
  if (r.outcome === 'failed') return `shard ${shard} ${r.day}: NOT dropped: ${r.detail}`;
  return `shard ${shard} ${r.day}: retention ${r.outcome}: ${r.detail}`;
}
