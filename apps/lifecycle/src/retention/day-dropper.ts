import { PoolClient } from 'pg';
import { LifecycleStopPoint } from '@pa/config';
import { BUMP_WATERMARK } from '../compress/compress.sql';
import { partitionOf } from '../compress/day-compressor';
import { ArchiveManifest } from './archive-manifest';
import { compareDayChecks, ledgerOf, manifestChecks, nodeChecks } from './day-archiver';
import * as sql from './retention.sql';

export const DROP_STEP = 'drop';

/** The day's two tables and their parents. */
const tablesOf = (day: string) => [
  { parent: 'process_samples', table: partitionOf(day) },
  { parent: 'snapshots', table: ledgerOf(day) },
];

const bounds = (day: string) => `FROM ('${day} 00:00:00+00') TO ('${day} 00:00:00+00'::timestamptz + interval '1 day')`;

/**
 * Detaches the day's heap and ledger partitions without blocking writers or readers of the parents:
 * `DETACH PARTITION … CONCURRENTLY` takes only SHARE UPDATE EXCLUSIVE on the parent (it cannot run in
 * a transaction block, so each is its own statement). A detach a kill interrupted is FINALIZEd.
 */
async function detachDay(client: PoolClient, day: string): Promise<void> {
  for (const { parent, table } of tablesOf(day)) {
    const { rows } = await client.query<{ present: boolean; attached: boolean; detach_pending: boolean }>(sql.TABLE_STATE, [table]);
    if (rows[0].detach_pending) await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${table} FINALIZE`);
    else if (rows[0].attached) await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${table} CONCURRENTLY`);
  }
}

/** Puts detached tables back (a last check found rows the archive lacks): they stay queryable, nothing is dropped. */
async function reattachDay(client: PoolClient, day: string): Promise<void> {
  for (const { parent, table } of tablesOf(day)) {
    const { rows } = await client.query<{ present: boolean; attached: boolean }>(sql.TABLE_STATE, [table]);
    if (rows[0].present && !rows[0].attached) await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${table} FOR VALUES ${bounds(day)}`);
  }
}

/**
 * Drops a verified day: detaches its partitions, then in ONE transaction checks once more that the
 * node holds exactly what the manifest counts (no row arrived meanwhile), drops both tables, deletes
 * the day's segments and records the step. Returns '' when dropped, else why nothing was.
 */
export async function dropDay(client: PoolClient, day: string, manifest: ArchiveManifest, atPoint: (p: LifecycleStopPoint) => void): Promise<string> {
  await detachDay(client, day);
  atPoint('after-detach');
  await client.query('BEGIN');
  try {
    const differs = compareDayChecks(manifestChecks(manifest), await nodeChecks(client, day));
    if (differs) {
      await client.query('ROLLBACK');
      await reattachDay(client, day);
      return `not dropped, rows arrived after verification: ${differs}`;
    }
    for (const { table } of tablesOf(day)) await client.query(`DROP TABLE IF EXISTS ${table}`);
    const deleted = await client.query(sql.DELETE_SEGMENTS, [day]);
    await client.query(sql.RECORD_STEP, [day, DROP_STEP, 'done', manifest.samples.rows, `dropped ${manifest.samples.rows} samples (${deleted.rowCount} segments), ${manifest.snapshots.rows} ledger rows`]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await client.query(BUMP_WATERMARK);
  return '';
}
