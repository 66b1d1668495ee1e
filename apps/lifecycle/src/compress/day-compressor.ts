import { PoolClient } from 'pg';
import { LifecycleStopPoint } from '@pa/config';
import * as sql from './compress.sql';

/** How sealing one day ended. */
export interface SealResult {
  day: string;
  status: 'done' | 'failed';
  heapRows: number;
  oldSegments: number;
  newSegments: number;
  /** why verification failed (status failed) */
  detail?: string;
}

export interface SealHooks {
  /** test hook: called at each point; may kill the process there */
  atPoint: (point: LifecycleStopPoint) => void;
  /** test hook: damage one rewritten value before verification */
  corrupt: boolean;
}

export const COMPRESS_STEP = 'compress';

/** `process_samples_YYYYMMDD` of a `YYYY-MM-DD` day (the writer's partition name). */
export function partitionOf(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day: ${day}`);
  return `process_samples_${day.replace(/-/g, '')}`;
}

/**
 * Rewrites the heap rows of `day` (a first compression, or late rows merged into its segments),
 * verifies the segments against what went in, deletes exactly the heap rows read, and records the
 * step, all in one REPEATABLE READ transaction on `client`: killed anywhere, nothing of it stays.
 * A failed verification rolls the rewrite back and records why (the heap day stays as it was).
 */
export async function sealDay(client: PoolClient, day: string, hooks: SealHooks): Promise<SealResult> {
  const partition = partitionOf(day);
  let result: SealResult;
  await client.query(sql.BEGIN);
  try {
    result = await rewriteVerifyDelete(client, day, partition, hooks);
    if (result.status === 'failed') {
      await client.query('ROLLBACK');
      await client.query(sql.RECORD_STEP, [day, COMPRESS_STEP, 'failed', 0, 0, result.detail]);
      return result;
    }
    await client.query(sql.RECORD_STEP, [day, COMPRESS_STEP, 'done', result.heapRows, result.newSegments, null]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // After COMMIT: a reader that saw the old watermark read the old form, whose answers are the same.
  await client.query(sql.BUMP_WATERMARK);
  hooks.atPoint('after-commit');
  // Dead heap tuples out, empty pages truncated; frozen so that nothing rewrites them again.
  await client.query(`VACUUM (FREEZE, ANALYZE) ${partition}`);
  await client.query('ANALYZE process_segments');
  return result;
}

async function rewriteVerifyDelete(client: PoolClient, day: string, partition: string, hooks: SealHooks): Promise<SealResult> {
  await client.query(sql.SETTINGS);
  await client.query(sql.CREATE_EXPECTED);
  await client.query(sql.ADD_STRINGS(partition));
  const { rows } = await client.query<Record<string, string>>(sql.REWRITE(partition));
  const counts = { heapRows: Number(rows[0].heap_rows), oldSegments: Number(rows[0].old_segments), newSegments: Number(rows[0].new_segments) };
  hooks.atPoint('after-rewrite');
  if (hooks.corrupt) await client.query(CORRUPT_ONE_SEGMENT);
  const bad = await client.query<{ machine_id: string; hour: Date; expected_rows: string; actual_rows: string | null; checksum_equal: boolean | null }>(sql.VERIFY);
  if (bad.rows.length > 0) {
    const detail = `verification failed for ${bad.rows.length}${bad.rows.length === 10 ? '+' : ''} machine-hours, e.g. ` +
      bad.rows.slice(0, 3).map((b) => `${b.machine_id} ${b.hour.toISOString().slice(0, 13)}h: ${b.expected_rows} rows in, ${b.actual_rows ?? 0} out${b.checksum_equal === false ? ', checksums differ' : ''}`).join('; ');
    return { day, status: 'failed', ...counts, detail };
  }
  hooks.atPoint('after-verify');
  const deleted = await client.query(sql.DELETE_HEAP(partition));
  if (deleted.rowCount !== counts.heapRows) {
    // Cannot happen under REPEATABLE READ (same snapshot); if it does, nothing is committed.
    throw new Error(`${partition}: rewrote ${counts.heapRows} heap rows but deleted ${deleted.rowCount}`);
  }
  hooks.atPoint('after-delete');
  return { day, status: 'done', ...counts };
}

/** The test hook's damage: one rss value of one rewritten segment changes (its checksum then differs). */
const CORRUPT_ONE_SEGMENT = `
  UPDATE process_segments s SET rss_base = s.rss_base + 1
  WHERE s.ctid = (SELECT ctid FROM process_segments x
                  WHERE (x.machine_id, x.hour) IN (SELECT machine_id, hour FROM lc_expected) LIMIT 1)`;
