import { PoolClient } from 'pg';
import { partitionOf } from '../compress/day-compressor';
import { ArchiveAuthError } from './archive-crypto';
import { ArchiveManifest, HourCheck, MANIFEST_FORMAT, compareChecks } from './archive-manifest';
import { SAMPLE_COLUMNS, SNAPSHOT_COLUMNS, TextRow, decodeParquet, encodeParquet } from './archive-parquet';
import { DayArchive, SAMPLES_FILE, SNAPSHOTS_FILE, readArchiveFile, readManifest, writeArchiveFile, writeManifest } from './archive-store';
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
 * Writes the day's archive from one REPEATABLE READ snapshot of the node: every sample (heap and
 * compressed) into one Parquet file, the ledger rows into a second, each encrypted, then the
 * manifest with the node's counts and checksums per machine and hour. Returns the manifest.
 */
export async function writeDayArchive(client: PoolClient, archive: DayArchive): Promise<ArchiveManifest> {
  const { day } = archive;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let samples: TextRow[];
  let ledgerRows: TextRow[];
  let checks: DayChecks;
  try {
    const heap = (await tableExists(client, partitionOf(day))) ? partitionOf(day) : undefined;
    samples = (await client.query<TextRow>({ text: sql.DAY_ROWS_AS_TEXT(heap), values: [day], rowMode: 'array' })).rows;
    ledgerRows = (await tableExists(client, ledgerOf(day))) ? (await client.query<TextRow>({ text: sql.LEDGER_AS_TEXT(ledgerOf(day)), rowMode: 'array' })).rows : [];
    checks = await nodeChecks(client, day);
  } finally {
    await client.query('COMMIT');
  }
  const kv = { 'pa.day': day, 'pa.shard': String(archive.shard), 'pa.times': 'microseconds since 1970-01-01T00:00:00Z (UTC)' };
  const samplesFile = await writeArchiveFile(archive, SAMPLES_FILE, await encodeParquet(SAMPLE_COLUMNS, samples, kv), samples.length);
  const ledgerFile = await writeArchiveFile(archive, SNAPSHOTS_FILE, await encodeParquet(SNAPSHOT_COLUMNS, ledgerRows, kv), ledgerRows.length);
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

/** The archive's rows, read from disk, decrypted (GCM), checked against the manifest's SHA-256 and decoded. */
export async function readDayArchive(archive: DayArchive, manifest: ArchiveManifest): Promise<{ samples: TextRow[]; ledger: TextRow[] }> {
  const samples = await decodeParquet(SAMPLE_COLUMNS, await readArchiveFile(archive, manifest.samples));
  const ledger = await decodeParquet(SNAPSHOT_COLUMNS, await readArchiveFile(archive, manifest.snapshots));
  return { samples, ledger };
}

const CHUNK_ROWS = 10_000;

/** Loads decoded rows into this transaction's temp tables (lc_archive_samples, lc_archive_ledger), in chunks. */
export async function loadDecoded(client: PoolClient, rows: { samples: TextRow[]; ledger: TextRow[] }): Promise<void> {
  await client.query(sql.CREATE_DECODED);
  for (const [table, data, width] of [['lc_archive_samples', rows.samples, SAMPLE_COLUMNS.length], ['lc_archive_ledger', rows.ledger, SNAPSHOT_COLUMNS.length]] as const) {
    for (let at = 0; at < data.length; at += CHUNK_ROWS) {
      const chunk = data.slice(at, at + CHUNK_ROWS);
      await client.query(sql.INSERT_DECODED(table, width), Array.from({ length: width }, (_, c) => chunk.map((r) => r[c])));
    }
  }
}

/** The checks of the rows loadDecoded loaded. */
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
  let rows: { samples: TextRow[]; ledger: TextRow[] };
  try {
    manifest = await readManifest(archive);
    if (!manifest) return { ok: false, kind: 'missing', reason: 'no manifest' };
    rows = await readDayArchive(archive, manifest);
  } catch (error) {
    if (error instanceof ArchiveAuthError || !(error instanceof TypeError || error instanceof RangeError)) return { ok: false, kind: 'corrupt', reason: (error as Error).message };
    throw error;
  }
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await loadDecoded(client, rows);
    const fromFiles = compareDayChecks(manifestChecks(manifest), await decodedChecks(client));
    if (fromFiles) return { ok: false, kind: 'corrupt', reason: `the archive files do not hold what the manifest says: ${fromFiles}` };
    const fromNode = compareDayChecks(manifestChecks(manifest), await nodeChecks(client, archive.day));
    if (fromNode) return { ok: false, kind: 'stale', reason: `the node's rows changed since the archive was written: ${fromNode}` };
    return { ok: true, manifest };
  } finally {
    await client.query('ROLLBACK');
  }
}
