import { PoolClient } from 'pg';
import { partitionOf } from '../compress/day-compressor';
import { ArchiveAuthError } from './archive-crypto';
import { ArchiveFile, ArchiveManifest, HourCheck, MANIFEST_FORMAT, compareChecks } from './archive-manifest';
import { ArchiveColumn, RowGroupWriter, SAMPLE_COLUMNS, SNAPSHOT_COLUMNS, TextRow, parquetRowGroupWriter, readColumnGroups } from './archive-parquet';
import { DayArchive, SAMPLES_FILE, SNAPSHOTS_FILE, openArchiveFile, openArchiveFileWriter, readManifest, writeManifest } from './archive-store';
import * as sql from './retention.sql';

/** `snapshots_YYYYMMDD` of a day: the ledger's partition. */
export function ledgerOf(day: string): string {
  return `snapshots_${partitionOf(day).slice('process_samples_'.length)}`;
}

/** What the node holds of a day: samples per machine and hour, and the ledger's rows and checksum. */
export interface DayChecks {
  hours: HourCheck[];
  ledger: { rows: number; checksum: string };
}

async function tableExists(client: PoolClient, table: string): Promise<boolean> {
  return (await client.query<{ present: boolean }>(sql.TABLE_STATE, [table])).rows[0].present;
}

/** The node's checks of the day (heap table attached or detached, segments, ledger); run inside a transaction for one snapshot. */
export async function nodeChecks(client: PoolClient, day: string): Promise<DayChecks> {
  const heap = (await tableExists(client, partitionOf(day))) ? partitionOf(day) : undefined;
  const hours = (await client.query<HourCheck>(sql.HOUR_CHECKS(sql.DAY_ROWS(heap)), [day])).rows;
  const ledger = (await tableExists(client, ledgerOf(day)))
    ? (await client.query<{ rows: number; checksum: string }>(sql.LEDGER_CHECK(`SELECT * FROM ONLY ${ledgerOf(day)}`))).rows[0]
    : { rows: 0, checksum: '0' };
  return { hours, ledger };
}

/**
 * Rows fetched from the cursor at a time: a fraction of a row group, so that a group's text rows
 * never sit in memory beside its column values (the writer converts each batch as it comes).
 */
export const FETCH_ROWS = 10_000;

/** Streams a query's rows (text, array mode) into `out` through a cursor of this transaction, FETCH_ROWS at a time; returns the row count. */
async function copyCursor(client: PoolClient, name: string, query: string, values: unknown[], fetchRows: number, out: RowGroupWriter): Promise<number> {
  await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${query}`, values);
  let rows = 0;
  for (;;) {
    const batch = (await client.query<TextRow>({ text: `FETCH ${fetchRows} FROM ${name}`, rowMode: 'array' })).rows;
    if (batch.length === 0) break;
    await out.push(batch);
    rows += batch.length;
  }
  await client.query(`CLOSE ${name}`);
  return rows;
}

/** One Parquet file of the archive, streamed from a cursor: encrypted and hashed as it is written. */
async function writeFromCursor(client: PoolClient, archive: DayArchive, file: string, columns: ArchiveColumn[], query: string, values: unknown[], groupRows: number): Promise<ArchiveFile> {
  const kv = { 'pa.day': archive.day, 'pa.shard': String(archive.shard), 'pa.times': 'microseconds since 1970-01-01T00:00:00Z (UTC)' };
  const sink = await openArchiveFileWriter(archive, file);
  try {
    const parquet = await parquetRowGroupWriter(columns, kv, sink, groupRows);
    const rows = await copyCursor(client, 'lc_archive_cursor', query, values, Math.min(FETCH_ROWS, groupRows), parquet);
    await parquet.finish();
    return { ...(await sink.close(rows)), rowGroups: parquet.rowGroups };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/**
 * Writes the day's archive from one REPEATABLE READ snapshot of the node: every sample (heap and
 * compressed) into one Parquet file, the ledger rows into a second, each read through a cursor
 * FETCH_ROWS rows at a time, written in row groups of `archive.groupRows` rows, encrypted chunk by chunk and hashed as it
 * goes (memory: one row group's column values, not the day); then the manifest with the node's counts and
 * checksums per machine and hour. Returns the manifest.
 */
export async function writeDayArchive(client: PoolClient, archive: DayArchive): Promise<ArchiveManifest> {
  const { day, groupRows } = archive;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let samplesFile: ArchiveFile;
  let ledgerFile: ArchiveFile;
  let checks: DayChecks;
  try {
    const heap = (await tableExists(client, partitionOf(day))) ? partitionOf(day) : undefined;
    samplesFile = await writeFromCursor(client, archive, SAMPLES_FILE, SAMPLE_COLUMNS, sql.DAY_ROWS_AS_TEXT(heap), [day], groupRows);
    const ledgerQuery = (await tableExists(client, ledgerOf(day))) ? sql.LEDGER_AS_TEXT(ledgerOf(day)) : sql.NO_LEDGER_ROWS;
    ledgerFile = await writeFromCursor(client, archive, SNAPSHOTS_FILE, SNAPSHOT_COLUMNS, ledgerQuery, [], groupRows);
    checks = await nodeChecks(client, day);
  } finally {
    await client.query('COMMIT');
  }
  const manifest: ArchiveManifest = {
    format: MANIFEST_FORMAT,
    shard: archive.shard,
    day,
    createdAt: new Date().toISOString(),
    samples: { ...samplesFile, hours: checks.hours },
    snapshots: { ...ledgerFile, checksum: checks.ledger.checksum },
  };
  await writeManifest(archive, manifest);
  return manifest;
}

const CHUNK_ROWS = 10_000;

/**
 * Loads the archive's rows into this transaction's temp tables (lc_archive_samples,
 * lc_archive_ledger): each file authenticated and checked against the manifest's SHA-256 first,
 * then decoded one row group at a time, column by column, and inserted in chunks of CHUNK_ROWS. Throws ArchiveAuthError when a file
 * is not what the manifest says.
 */
export async function loadArchive(client: PoolClient, archive: DayArchive, manifest: ArchiveManifest): Promise<void> {
  await client.query(sql.CREATE_DECODED);
  for (const [table, entry, columns] of [['lc_archive_samples', manifest.samples, SAMPLE_COLUMNS], ['lc_archive_ledger', manifest.snapshots, SNAPSHOT_COLUMNS]] as const) {
    const file = await openArchiveFile(archive, entry);
    try {
      for await (const group of readColumnGroups(columns, file)) {
        for (let at = 0; at < group[0].length; at += CHUNK_ROWS) {
          await client.query(sql.INSERT_DECODED(table, columns.length), group.map((column) => column.slice(at, at + CHUNK_ROWS)));
        }
      }
    } finally {
      await file.close();
    }
  }
}

/** The checks of the rows loadArchive loaded. */
export async function decodedChecks(client: PoolClient): Promise<DayChecks> {
  const hours = (await client.query<HourCheck>(sql.HOUR_CHECKS(sql.DECODED_SAMPLES))).rows;
  const ledger = (await client.query<{ rows: number; checksum: string }>(sql.LEDGER_CHECK(sql.DECODED_LEDGER))).rows[0];
  return { hours, ledger };
}

/** How two day checks differ ('' when equal). */
export function compareDayChecks(expected: DayChecks, actual: DayChecks): string {
  const samples = compareChecks(expected.hours, actual.hours);
  const ledger = expected.ledger.rows !== actual.ledger.rows || expected.ledger.checksum !== actual.ledger.checksum
    ? `ledger: ${expected.ledger.rows} rows expected, ${actual.ledger.rows} found${expected.ledger.rows === actual.ledger.rows ? ', checksums differ' : ''}` : '';
  return [samples, ledger].filter(Boolean).join('; ');
}

export function manifestChecks(m: ArchiveManifest): DayChecks {
  return { hours: m.samples.hours, ledger: { rows: m.snapshots.rows, checksum: m.snapshots.checksum } };
}

/** How verifying an archive ended: `corrupt` (the files are not what was written), `stale` (the node changed since). */
export type Verdict = { ok: true; manifest: ArchiveManifest } | { ok: false; kind: 'missing' | 'corrupt' | 'stale'; reason: string };

/**
 * Reads the day's archive back from disk, decrypts, decodes, recounts and recomputes the checksums
 * (in PostgreSQL, the same expression as when it was written), and compares them with the manifest
 * and with what the node holds now. Changes nothing.
 */
export async function verifyDayArchive(client: PoolClient, archive: DayArchive): Promise<Verdict> {
  let manifest: ArchiveManifest | undefined;
  try {
    manifest = await readManifest(archive);
  } catch (error) {
    if (error instanceof ArchiveAuthError) return { ok: false, kind: 'corrupt', reason: error.message };
    throw error;
  }
  if (!manifest) return { ok: false, kind: 'missing', reason: 'no manifest' };
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    try {
      await loadArchive(client, archive, manifest);
    } catch (error) {
      // A file that does not decode (hyparquet throws plain Errors on bad bytes) is corrupt; a bug in our code is not.
      if (error instanceof ArchiveAuthError || !(error instanceof TypeError || error instanceof RangeError || isDatabaseError(error))) return { ok: false, kind: 'corrupt', reason: (error as Error).message };
      throw error;
    }
    const fromFiles = compareDayChecks(manifestChecks(manifest), await decodedChecks(client));
    if (fromFiles) return { ok: false, kind: 'corrupt', reason: `the archive files do not hold what the manifest says: ${fromFiles}` };
    const fromNode = compareDayChecks(manifestChecks(manifest), await nodeChecks(client, archive.day));
    if (fromNode) return { ok: false, kind: 'stale', reason: `the node's rows changed since the archive was written: ${fromNode}` };
    return { ok: true, manifest };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** A PostgreSQL error (has a SQLSTATE): the node's, not the file's. */
function isDatabaseError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}
