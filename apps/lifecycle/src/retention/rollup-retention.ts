import { PoolClient } from 'pg';
import { RetentionPolicy } from '@pa/config';
import { dayStartMs, rollupDeleteBeforeMs } from './retention-policy';

const DAY_MS = 86_400_000;

/** The rollup tables with a retention (daily rollups are kept). */
const ROLLUP_TABLES: { table: string; keep: (p: RetentionPolicy) => number }[] = [
  { table: 'machine_rollup_1m', keep: (p) => p.rollup1mMs },
  { table: 'process_rollup_1m', keep: (p) => p.rollup1mMs },
  { table: 'machine_rollup_1h', keep: (p) => p.rollup1hMs },
  { table: 'process_rollup_1h', keep: (p) => p.rollup1hMs },
  // The fleet rollups (migration 017) are sums of the per-machine ones: they go with them.
  { table: 'process_fleet_rollup_1m', keep: (p) => p.rollup1mMs },
  { table: 'process_fleet_rollup_1h', keep: (p) => p.rollup1hMs },
];

/** Rows deleted per rollup table (only tables that lost rows). */
export type RollupsDeleted = Record<string, number>;

/**
 * Deletes rollup rows of whole days older than their table's retention, never from the day of the
 * oldest pending outbox entry on (a recomputation there still needs them). `onlyDays`: only those
 * days are touched (an operator's or a test's scope on a shared node).
 */
export async function deleteOldRollups(client: PoolClient, policy: RetentionPolicy, nowMs: number, onlyDays?: string[]): Promise<RollupsDeleted> {
  const pending = (await client.query<{ oldest: Date | null }>('SELECT min(from_ts) AS oldest FROM rollup_outbox')).rows[0].oldest;
  const deleted: RollupsDeleted = {};
  for (const { table, keep } of ROLLUP_TABLES) {
    const beforeMs = rollupDeleteBeforeMs(nowMs, keep(policy), pending?.getTime());
    const ranges = onlyDays
      ? onlyDays.map(dayStartMs).filter((from) => from + DAY_MS <= beforeMs).map((from) => [from, from + DAY_MS])
      : [[0, beforeMs]];
    for (const [from, to] of ranges) {
      const result = await client.query(`DELETE FROM ${table} WHERE bucket >= $1 AND bucket < $2`, [new Date(from), new Date(to)]);
      if (result.rowCount) deleted[table] = (deleted[table] ?? 0) + result.rowCount;
    }
  }
  return deleted;
}
