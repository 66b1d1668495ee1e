import { PoolClient } from 'pg';
import { BUMP_WATERMARK } from '../compress/compress.sql';
import { addChecks, compareChecks } from './archive-manifest';
import { DayArchive, readManifest } from './archive-store';
import { decodedChecks, loadArchive, manifestChecks, nodeChecks } from './day-archiver';
import { RESTORE_STEP, isDropped, readSteps, recordStep } from './retention-steps';
import { DECODED_LEDGER, DECODED_SAMPLES, SESSION_SETTINGS } from './retention.sql';

export interface RestoreResult {
  shard: number;
  day: string;
  samples: number;
  ledgerRows: number;
}

export class RestoreError extends Error {}

/**
 * Puts an archived day back on its node as heap rows (the next run compresses it again), in ONE
 * transaction: the archive read, decrypted and checked against its manifest, loaded row group by
 * row group into a temp table (bounded memory); its rows inserted; the
 * node's rows of the day then checked to be what it held before plus exactly the archive; the step
 * recorded. Killed or failed anywhere, nothing of it stays. Throws RestoreError saying why.
 */
export async function restoreDay(client: PoolClient, archive: DayArchive): Promise<RestoreResult> {
  const manifest = await readManifest(archive).catch((error: Error) => {
    throw new RestoreError(`shard ${archive.shard} ${archive.day}: ${error.message}`);
  });
  if (!manifest) throw new RestoreError(`shard ${archive.shard} ${archive.day}: no archive in ${archive.dir}`);
  await client.query(SESSION_SETTINGS);
  // Restoring twice would double every row: only a day whose rows were dropped (and not restored since) comes back.
  if (!isDropped(await readSteps(client, archive.day))) throw new RestoreError(`shard ${archive.shard} ${archive.day}: not dropped (or restored already): its rows are on the node`);
  await client.query('BEGIN');
  try {
    await loadArchive(client, archive, manifest).catch((error: Error) => {
      throw new RestoreError(`shard ${archive.shard} ${archive.day}: ${error.message}`);
    });
    const decoded = await decodedChecks(client);
    const fromFiles = compareChecks(manifest.samples.hours, decoded.hours);
    if (fromFiles || decoded.ledger.rows !== manifest.snapshots.rows || decoded.ledger.checksum !== manifest.snapshots.checksum) {
      throw new RestoreError(`shard ${archive.shard} ${archive.day}: the archive files do not hold what the manifest says: ${fromFiles || 'ledger differs'}`);
    }
    const before = await nodeChecks(client, archive.day);
    await client.query('SELECT pa_ensure_day_partition($1::date)', [archive.day]);
    await client.query(`INSERT INTO process_samples SELECT * FROM (${DECODED_SAMPLES}) d`);
    await client.query(`INSERT INTO snapshots (machine_id, ts, batch_id, n_processes, received_at, content_hash) SELECT * FROM (${DECODED_LEDGER}) d`);
    const after = await nodeChecks(client, archive.day);
    const differs = compareChecks(addChecks(before.hours, manifestChecks(manifest).hours), after.hours);
    const ledgerSum = (BigInt(before.ledger.checksum) + BigInt(manifest.snapshots.checksum)).toString();
    if (differs || after.ledger.rows !== before.ledger.rows + manifest.snapshots.rows || after.ledger.checksum !== ledgerSum) {
      throw new RestoreError(`shard ${archive.shard} ${archive.day}: after restoring, the node does not hold its rows plus the archive: ${differs || 'ledger differs'}`);
    }
    await recordStep(client, archive.day, RESTORE_STEP, 'done', manifest.samples.rows, `restored from ${archive.dir}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await client.query(BUMP_WATERMARK);
  return { shard: archive.shard, day: archive.day, samples: manifest.samples.rows, ledgerRows: manifest.snapshots.rows };
}
