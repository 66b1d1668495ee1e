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

/**
 * A Parquet file written one row group at a time: `push` takes rows in any batches, converts them to
 * column values at once (the text rows are not kept) and, each time `groupRows` are buffered, encodes
 * them as one row group and hands its bytes to the sink before taking more.
 */
export interface RowGroupWriter {
  push(rows: TextRow[]): Promise<void>;
  /** rows converted and waiting for their row group: always fewer than `groupRows` between calls */
  readonly bufferedRows: number;
  /** row groups written so far */
  readonly rowGroups: number;
  /** Writes the last, partial row group and the footer (row group metadata, page indexes). */
  finish(): Promise<void>;
}

/**
 * A streaming Parquet writer over `sink`: ZSTD, row groups of `groupRows` rows. What it holds is the
 * column values of one row group and that group's encoded bytes (hyparquet-writer's ByteWriter is
 * flushed to the sink after every group), whatever the size of the file: the lifecycle's peak RSS
 * is set by ARCHIVE_ROW_GROUP_ROWS, not by the day (docs/lifecycle.md, "Memory").
 */
export async function parquetRowGroupWriter(columns: ArchiveColumn[], kv: Record<string, string>, sink: ByteSink, groupRows: number): Promise<RowGroupWriter> {
  if (!(Number.isInteger(groupRows) && groupRows > 0)) throw new RangeError(`row group rows must be a positive integer, not ${groupRows}`);
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
  let values: unknown[][] = columns.map(() => []);
  let rowGroups = 0;
  const flushGroup = async (): Promise<void> => {
    const group = values;
    // Dropped before encoding: the next group's values do not sit beside this one's.
    values = columns.map(() => []);
    rowGroups += 1;
    await writer.write({ rowGroupSize: group[0].length, columnData: columns.map((c, i) => ({ name: c.name, data: group[i] as never })) });
    await written;
  };
  return {
    get bufferedRows() {
      return values[0].length;
    },
    get rowGroups() {
      return rowGroups;
    },
    async push(rows) {
      for (const row of rows) {
        for (let c = 0; c < columns.length; c++) values[c].push(fromText(columns[c].type, row[c]));
        if (values[0].length === groupRows) await flushGroup();
      }
    },
    async finish() {
      if (values[0].length > 0) await flushGroup();
      await writer.finish();
      await written;
    },
  };
}

/** What hyparquet reads from: the plaintext of an archive file, by byte range. */
export interface PlainFile {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer> | ArrayBuffer;
}

/** One row group of an archive file as text, column by column (columns[c][r]: row r's value of column c). */
export type TextColumns = (string | null)[][];

/**
 * The values of a Parquet archive file, one row group at a time, as text columns; throws when its
 * columns are not `columns`. Holds one row group's decoded columns and the bytes it reads, and builds no
 * row objects (hyparquet's parquetReadObjects makes one a row, besides the columns): writing and reading
 * back 300,000-1,200,000 rows took 20-30 % less CPU than through parquetReadObjects.
 */
export async function* readColumnGroups(columns: ArchiveColumn[], file: PlainFile): AsyncGenerator<TextColumns> {
  const { parquetMetadataAsync, parquetRead } = await import('hyparquet');
  const metadata = await parquetMetadataAsync(file);
  const names = metadata.schema.slice(1).map((s) => s.name);
  if (names.join(',') !== columns.map((c) => c.name).join(',')) throw new Error(`archive columns ${names.join(',')} are not ${columns.map((c) => c.name).join(',')}`);
  const indexOf = new Map(columns.map((c, i) => [c.name, i]));
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const out: TextColumns = columns.map(() => new Array<string | null>(end - start).fill(null));
    const seen = columns.map(() => 0);
    await parquetRead({
      file,
      metadata,
      rowStart: start,
      rowEnd: end,
      compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(zstdDecompressSync(input)) },
      // A chunk may hold rows outside [rowStart, rowEnd) (hyparquet's types): only the group's are kept.
      onChunk: ({ columnName, columnData, rowStart }) => {
        const c = indexOf.get(columnName);
        if (c === undefined) return;
        const { type } = columns[c];
        const from = Math.max(start, rowStart);
        const to = Math.min(end, rowStart + columnData.length);
        for (let r = from; r < to; r++) out[c][r - start] = toText(type, columnData[r - rowStart]);
        seen[c] += Math.max(0, to - from);
      },
    });
    const short = seen.findIndex((n) => n !== end - start);
    if (short >= 0) throw new Error(`archive row group at row ${start}: column ${columns[short].name} has ${seen[short]} of ${end - start} values`);
    yield out;
    start = end;
  }
}

/** The rows of a Parquet archive file, one row group at a time, as text (readColumnGroups turned into rows). */
export async function* readRowGroups(columns: ArchiveColumn[], file: PlainFile): AsyncGenerator<TextRow[]> {
  for await (const group of readColumnGroups(columns, file)) {
    yield Array.from({ length: group[0]?.length ?? 0 }, (_, r) => group.map((column) => column[r]));
  }
}
