import { DEFAULT_RETENTION_MS } from '@pa/contracts';
import { EnvReader } from './env-reader';
import { statePath } from './state-paths';

const DAY_MS = 86_400_000;

/**
 * The raw retention, in days (RETENTION_DAYS, default 30): ONE setting for the gateway and the
 * writer (samples older than it are refused) and the lifecycle (days past it are archived and
 * dropped), so that nothing is accepted into a day that is already gone.
 */
export function readRawRetentionMs(r: EnvReader): number {
  return r.int('RETENTION_DAYS', DEFAULT_RETENTION_MS / DAY_MS, { min: 1, max: 3650 }) * DAY_MS;
}

/** What the lifecycle keeps, and where the archive of what it drops goes (docs/lifecycle.md, "Retention"). */
export interface RetentionPolicy {
  /** raw samples (heap, compressed segments) and the snapshot ledger: a day is archived and dropped once its end is this far in the past */
  rawMs: number;
  /** 1-minute rollups (machine and process) older than this are deleted */
  rollup1mMs: number;
  /** hourly rollups older than this are deleted; daily rollups are kept */
  rollup1hMs: number;
  /** a restored day stays on the node this long after its restore before it is dropped again */
  restoreHoldMs: number;
  /** where archive files go: <dir>/<shard>/<day>/ */
  archiveDir: string;
  /** the AES-256 key of the archive (made at first start, owner-only) */
  archiveKeyFile: string;
  /** rows per Parquet row group of the archive: what the archive holds in memory while it is written and read back */
  archiveRowGroupRows: number;
}

export function readRetentionPolicy(r: EnvReader): RetentionPolicy {
  return {
    rawMs: readRawRetentionMs(r),
    rollup1mMs: r.int('RETENTION_ROLLUP_1M_DAYS', 30, { min: 1, max: 36_500 }) * DAY_MS,
    rollup1hMs: r.int('RETENTION_ROLLUP_1H_DAYS', 400, { min: 1, max: 36_500 }) * DAY_MS,
    restoreHoldMs: r.int('RETENTION_RESTORE_HOLD_DAYS', 7, { min: 0, max: 3650 }) * DAY_MS,
    archiveDir: r.optionalString('ARCHIVE_DIR') ?? statePath(r, 'archive'),
    archiveKeyFile: r.optionalString('ARCHIVE_KEY_FILE') ?? statePath(r, 'secrets', 'archive.key'),
    // 20,000: bench item 12 peaked at 440.6 MiB against 477.2 with 50,000 (600,000 rows), the archive
    // 12.3 B a sample against 12.4 (docs/lifecycle.md, "Memory").
    archiveRowGroupRows: r.int('ARCHIVE_ROW_GROUP_ROWS', 20_000, { min: 100, max: 1_000_000 }),
  };
}
