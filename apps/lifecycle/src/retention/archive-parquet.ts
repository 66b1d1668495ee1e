import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';

/** A Parquet column of the archive, and how its PostgreSQL text form maps to it. */
export interface ArchiveColumn {
  name: string;
  type: 'INT64' | 'INT32' | 'DOUBLE' | 'STRING';
  nullable: boolean;
}

/** A row as PostgreSQL text (NULL as null), in the order of its columns. */
export type TextRow = (string | null)[];

/**
 * process_samples' columns. Times are INT64 microseconds since the Unix epoch (UTC): exact, where
 * a Parquet TIMESTAMP read back by hyparquet becomes a millisecond Date.
 */
export const SAMPLE_COLUMNS: ArchiveColumn[] = [
  { name: 'ts_us', type: 'INT64', nullable: false },
  { name: 'machine_id', type: 'STRING', nullable: false },
  { name: 'pid', type: 'INT64', nullable: false },
  { name: 'ppid', type: 'INT64', nullable: true },
  { name: 'name', type: 'STRING', nullable: false },
  { name: 'username', type: 'STRING', nullable: true },
  { name: 'cmdline', type: 'STRING', nullable: true },
  { name: 'cpu_pct', type: 'DOUBLE', nullable: false },
  { name: 'mem_pct', type: 'DOUBLE', nullable: false },
  { name: 'rss_bytes', type: 'INT64', nullable: false },
  { name: 'vms_bytes', type: 'INT64', nullable: true },
  { name: 'threads', type: 'INT32', nullable: true },
  { name: 'state', type: 'STRING', nullable: true },
  { name: 'io_read_bytes', type: 'INT64', nullable: true },
  { name: 'io_write_bytes', type: 'INT64', nullable: true },
  { name: 'start_time_us', type: 'INT64', nullable: true },
];

/** The snapshot ledger's columns (content_hash as hex). */
export const SNAPSHOT_COLUMNS: ArchiveColumn[] = [
  { name: 'machine_id', type: 'STRING', nullable: false },
  { name: 'ts_us', type: 'INT64', nullable: false },
  { name: 'batch_id', type: 'STRING', nullable: true },
  { name: 'n_processes', type: 'INT32', nullable: false },
  { name: 'received_at_us', type: 'INT64', nullable: false },
  { name: 'content_hash_hex', type: 'STRING', nullable: true },
];

/** PostgreSQL text to the column's JS value (INT64 as bigint; float8 text is the shortest exact form). */
function fromText(type: ArchiveColumn['type'], text: string | null): unknown {
  if (text === null) return null;
  if (type === 'INT64') return BigInt(text);
  if (type === 'INT32' || type === 'DOUBLE') return Number(text);
  return text;
}

/** The JS value back to text PostgreSQL reads as the same value: -0 keeps its sign, NaN and infinities their names. */
export function toText(type: ArchiveColumn['type'], value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'DOUBLE') {
    const n = value as number;
    if (Object.is(n, -0)) return '-0';
    return Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : String(n);
  }
  return String(value);
}

/** Where encoded Parquet bytes go, in order (the caller's encryption and file). */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
}

/** A Parquet file written one row group at a time: `append` encodes one group and hands its bytes to the sink. */
export interface RowGroupWriter {
  append(rows: TextRow[]): Promise<void>;
  /** row groups appended so far */
  readonly rowGroups: number;
  /** Writes the footer (row group metadata, page indexes). */
  finish(): Promise<void>;
}

/**
 * A streaming Parquet writer over `sink`: ZSTD, one row group per `append` (its encoded bytes are the
 * only ones held: hyparquet-writer's ByteWriter is flushed to the sink after every group).
 */
export async function parquetRowGroupWriter(columns: ArchiveColumn[], kv: Record<string, string>, sink: ByteSink): Promise<RowGroupWriter> {
  const { ByteWriter, ParquetWriter, schemaFromColumnData } = await import('hyparquet-writer');
  const bytes = new ByteWriter();
  let written: Promise<void> = Promise.resolve();
  const drain = (): Promise<void> => {
    // The buffer is reused after the reset: the sink gets a copy.
    const chunk = new Uint8Array(bytes.buffer, 0, bytes.index).slice();
    bytes.index = 0;
    written = written.then(() => sink.write(chunk));
    return written;
  };
  // ParquetWriter calls writer.flush() after every row group and waits for its promise (parquet-writer.js).
  Object.assign(bytes, { flush: drain, finish: drain });
  const schema = schemaFromColumnData({ columnData: columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, data: [] })) });
  const writer = new ParquetWriter({
    writer: bytes,
    schema,
    codec: 'ZSTD',
    compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(zstdCompressSync(input)) },
    kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
  });
  const out: RowGroupWriter & { rowGroups: number } = {
    rowGroups: 0,
    async append(rows) {
      if (rows.length === 0) return;
      this.rowGroups += 1;
      await writer.write({ rowGroupSize: rows.length, columnData: columns.map((c, i) => ({ name: c.name, data: rows.map((r) => fromText(c.type, r[i])) as never })) });
      await written;
    },
    async finish() {
      await writer.finish();
      await written;
    },
  };
  return out;
}

/** What hyparquet reads from: the plaintext of an archive file, by byte range. */
export interface PlainFile {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer> | ArrayBuffer;
}

/**
 * The rows of a Parquet archive file, one row group at a time, as text; throws when its columns are
 * not `columns`. Holds one decoded row group (the writer's group size) and the chunks it reads.
 */
export async function* readRowGroups(columns: ArchiveColumn[], file: PlainFile): AsyncGenerator<TextRow[]> {
  const { parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const metadata = await parquetMetadataAsync(file);
  const names = metadata.schema.slice(1).map((s) => s.name);
  if (names.join(',') !== columns.map((c) => c.name).join(',')) throw new Error(`archive columns ${names.join(',')} are not ${columns.map((c) => c.name).join(',')}`);
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = (await parquetReadObjects({
      file,
      metadata,
      rowStart: start,
      rowEnd: end,
      compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(zstdDecompressSync(input)) },
    })) as Record<string, unknown>[];
    yield rows.map((row) => columns.map((c) => toText(c.type, row[c.name])));
    start = end;
  }
}
