import { PoolClient } from 'pg';
import { LifecycleStopPoint } from '@pa/config';
import { partitionOf } from '../compress/day-compressor';
import { DayArchive } from './archive-store';
import { verifyDayArchive, writeDayArchive } from './day-archiver';
import { DROP_STEP, dropDay } from './day-dropper';
import { ARCHIVE_STEP, RESTORE_STEP, VERIFY_STEP, isDropped, readSteps, recordStep } from './retention-steps';
import { isRestoreHeld } from './retention-policy';

/** What retention did to one day on one node. */
export interface RetentionResult {
  day: string;
  outcome: 'dropped' | 'failed' | 'waiting' | 'held';
  samples?: number;
  ledgerRows?: number;
  archiveBytes?: number;
  detail?: string;
}

export interface RetentionHooks {
  atPoint: (point: LifecycleStopPoint) => void;
  nowMs: number;
  restoreHoldMs: number;
}

async function heapRows(client: PoolClient, day: string): Promise<number> {
  const exists = (await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [partitionOf(day)])).rows[0].t !== null;
  if (!exists) return 0;
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ONLY ${partitionOf(day)}`)).rows[0].n);
}

/**
 * One day past the raw retention, from wherever a previous run stopped: archive written (once,
 * unless the node's rows changed), read back and verified, then dropped. Each step is recorded in
 * lifecycle_steps; a kill anywhere leaves a state the next call continues from.
 */
export async function retainDay(client: PoolClient, archive: DayArchive, hooks: RetentionHooks): Promise<RetentionResult | undefined> {
  const { day } = archive;
  const steps = await readSteps(client, day);
  const late = await heapRows(client, day);
  if (isDropped(steps)) {
    if (late === 0) return undefined;
    const detail = `${late} rows arrived after the day was archived and dropped: kept as heap rows; restore the day to merge them into its archive`;
    await recordStep(client, day, VERIFY_STEP, 'failed', late, detail);
    return { day, outcome: 'failed', detail };
  }
  if (isRestoreHeld(steps[RESTORE_STEP]?.atMs, steps[DROP_STEP]?.atMs, hooks.nowMs, hooks.restoreHoldMs)) return { day, outcome: 'held', detail: 'restored, kept until the restore hold ends' };
  // A day is archived in its compressed form only: heap rows are late rows the next compress step merges first.
  if (late > 0) return { day, outcome: 'waiting', detail: `${late} heap rows not yet compressed` };
  let verdict = await verifyDayArchive(client, archive);
  if (!verdict.ok && (verdict.kind === 'missing' || verdict.kind === 'stale' || steps[ARCHIVE_STEP]?.status !== 'done')) {
    // No archive, an unfinished one, or one of older rows: nothing was dropped, so (re)writing it loses nothing.
    const manifest = await writeDayArchive(client, archive);
    await recordStep(client, day, ARCHIVE_STEP, 'done', manifest.samples.rows, archive.dir);
    hooks.atPoint('after-archive-write');
    verdict = await verifyDayArchive(client, archive);
  }
  if (!verdict.ok) {
    const detail = `archive verification failed (${verdict.kind}), nothing dropped: ${verdict.reason}`;
    await recordStep(client, day, VERIFY_STEP, 'failed', 0, detail);
    return { day, outcome: 'failed', detail };
  }
  const { manifest } = verdict;
  await recordStep(client, day, VERIFY_STEP, 'done', manifest.samples.rows, null);
  hooks.atPoint('after-archive-verify');
  const notDropped = await dropDay(client, day, manifest, hooks.atPoint);
  if (notDropped) {
    await recordStep(client, day, VERIFY_STEP, 'failed', 0, notDropped);
    return { day, outcome: 'failed', detail: notDropped };
  }
  return { day, outcome: 'dropped', samples: manifest.samples.rows, ledgerRows: manifest.snapshots.rows, archiveBytes: manifest.samples.bytes + manifest.snapshots.bytes };
}
