import { PoolClient } from 'pg';
import { DayScope, dayPartitions } from '../compress/sealed-days';
import { COMPRESS_STEP, partitionOf } from '../compress/day-compressor';
import { ArchiveStatus, archivedDays, archiveStatus, lastRetentionStep } from './archive-status';
import { DayArchive } from '../retention/archive-store';

/** heap: row per sample only; compressed: segments only; compressed+late: segments and late heap rows; archived: only in the archive. */
export type DayForm = 'heap' | 'compressed' | 'compressed+late' | 'archived' | 'empty';

export interface StepStatus {
  status: string;
  runs: number;
  detail: string | null;
  at: string;
}

export interface DayStatus {
  day: string;
  form: DayForm;
  isSealed: boolean;
  heapRows: number;
  heapBytes: number;
  compressedRows: number;
  segments: number;
  compressedBytes: number;
  /** the last compress step's outcome on this day, if any (with why, when it failed) */
  lastStep?: StepStatus;
  /** the day's archive, when one was written (rows, bytes on disk, files) */
  archive?: ArchiveStatus;
  /** the last retention step (archive, archive-verify, drop, restore) and its outcome */
  retentionStep?: StepStatus & { step: string };
}

const COMPRESSED_OF_DAY = `
  SELECT count(*)::bigint AS segments, coalesce(sum(samples), 0)::bigint AS rows, coalesce(sum(pg_column_size(s.*)), 0)::bigint AS bytes
  FROM process_segments s
  WHERE s.hour >= $1::date::timestamp AT TIME ZONE 'UTC' AND s.hour < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`;

const HEAP_OF_DAY = (partition: string) =>
  `SELECT count(*)::bigint AS rows, pg_total_relation_size('${partition}'::regclass)::bigint AS bytes FROM ONLY ${partition}`;

const STEP_OF_DAY = `SELECT status, runs, detail, updated_at FROM lifecycle_steps WHERE day = $1::date AND step = $2`;

/**
 * Every day of the node with its form, rows and bytes (heap: table and indexes; compressed: segment
 * rows), and, with `archiveOf`, its archive and last retention step; archived days included.
 */
export async function dayStatuses(client: PoolClient, scope: DayScope, archiveOf?: (day: string) => DayArchive): Promise<DayStatus[]> {
  const out: DayStatus[] = [];
  for (const { day, isSealed } of await dayPartitions(client, scope)) {
    const heap = (await client.query<{ rows: string; bytes: string }>(HEAP_OF_DAY(partitionOf(day)))).rows[0];
    const seg = (await client.query<{ segments: string; rows: string; bytes: string }>(COMPRESSED_OF_DAY, [day])).rows[0];
    const step = (await client.query<{ status: string; runs: number; detail: string | null; updated_at: Date }>(STEP_OF_DAY, [day, COMPRESS_STEP])).rows[0];
    const heapRows = Number(heap.rows);
    const segments = Number(seg.segments);
    out.push({
      day,
      form: formOf(heapRows, segments),
      isSealed,
      heapRows,
      heapBytes: Number(heap.bytes),
      compressedRows: Number(seg.rows),
      segments,
      compressedBytes: Number(seg.bytes),
      lastStep: step && { status: step.status, runs: step.runs, detail: step.detail, at: step.updated_at.toISOString() },
      ...(archiveOf ? { archive: await archiveStatus(archiveOf(day)), retentionStep: await lastRetentionStep(client, day) } : {}),
    });
  }
  if (!archiveOf) return out;
  const listed = new Set(out.map((d) => d.day));
  for (const day of await archivedDays(client, scope)) {
    if (listed.has(day)) continue;
    out.push({
      day, form: 'archived', isSealed: true, heapRows: 0, heapBytes: 0, compressedRows: 0, segments: 0, compressedBytes: 0,
      archive: await archiveStatus(archiveOf(day)), retentionStep: await lastRetentionStep(client, day),
    });
  }
  return out.sort((a, b) => a.day.localeCompare(b.day));
}

export function formOf(heapRows: number, segments: number): DayForm {
  if (segments === 0) return heapRows === 0 ? 'empty' : 'heap';
  return heapRows === 0 ? 'compressed' : 'compressed+late';
}
