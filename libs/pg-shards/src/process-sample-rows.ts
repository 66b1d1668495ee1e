import { createHash } from 'node:crypto';
import { PROCESS_ROW_COLUMNS, ProcessSample, ValidSnapshot, parseRfc3339 } from '@pa/contracts';
import { BinaryCopyWriter, encodeText, encodeTimestamptz } from './binary-copy';

/** One snapshot's process rows, COPY-encoded, and the fingerprint of that content. */
export interface EncodedSnapshot {
  snapshot: ValidSnapshot;
  /** the rows' COPY binary bytes (views into shared chunks), to go between COPY_HEADER and COPY_TRAILER */
  parts: Buffer[];
  /** first 16 bytes of SHA-256 over `parts`: equal exactly when the stored rows would be equal */
  contentHash: Buffer;
}

/** process_samples columns in the order the rows are encoded. */
/** The same list as schema version 2's rows (libs/contracts wire-v2), whose bytes go to COPY as they are. */
export const SAMPLE_COLUMNS = PROCESS_ROW_COLUMNS;

/**
 * The process rows of `snapshots` as COPY binary chunks (header to trailer) of about 256 KiB,
 * a few snapshots per chunk: large enough to stream well, small enough to keep memory flat.
 */
export function* sampleCopyChunks(snapshots: Iterable<ValidSnapshot>): Generator<Buffer> {
  const out = new BinaryCopyWriter();
  for (const snapshot of snapshots) {
    // The same in every row of the snapshot: encoded once.
    const ts = encodeTimestamptz(snapshot.tsMs);
    const machine = encodeText(snapshot.machine_id);
    for (const process of snapshot.processes) writeSampleRow(out, ts, machine, process);
    yield* out.take();
  }
  out.trailer();
  yield* out.take();
}

/**
 * Encodes each snapshot's rows on its own, so that the ledger can decide per snapshot (new, an
 * exact replay, or a conflict) before any row is copied. The fingerprint covers exactly what is
 * stored (every column of every row, machine_id and ts included), not the JSON it came in: the
 * same snapshot sent over HTTP and straight to Kafka, or with its keys in another order, is the same.
 * A schema version 2 snapshot's rows are those bytes already, so both formats hash the same.
 * SHA-256 because it runs at about 800 MB/s here (SHA extensions), faster than MD5.
 */
export function encodeSnapshots(snapshots: readonly ValidSnapshot[]): EncodedSnapshot[] {
  const out = new BinaryCopyWriter(256 * 1024, { header: false });
  return snapshots.map((snapshot) => {
    const ts = encodeTimestamptz(snapshot.tsMs);
    const machine = encodeText(snapshot.machine_id);
    // Schema version 2: the rows arrived validated in this very encoding (views into the record).
    let parts = snapshot.copyRows?.parts;
    if (parts === undefined) {
      out.beginSegment();
      for (const process of snapshot.processes) writeSampleRow(out, ts, machine, process);
      parts = out.endSegment();
    }
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    // An empty snapshot (no processes) is content too: it says "nothing ran".
    hash.update(machine).update(ts);
    return { snapshot, parts, contentHash: hash.digest().subarray(0, 16) };
  });
}

function writeSampleRow(out: BinaryCopyWriter, ts: Buffer, machine: Buffer, p: ProcessSample): void {
  out.row(SAMPLE_COLUMNS.length);
  out.encoded(ts);
  out.encoded(machine);
  out.int64(p.pid);
  optionalInt64(out, p.ppid);
  out.text(p.name);
  optionalText(out, p.username);
  optionalText(out, p.cmdline);
  out.float64(p.cpu_pct);
  out.float64(p.mem_pct);
  out.int64(p.rss_bytes);
  optionalInt64(out, p.vms_bytes);
  if (p.threads === undefined) out.null();
  else out.int32(p.threads);
  optionalText(out, p.state);
  optionalInt64(out, p.io_read_bytes);
  optionalInt64(out, p.io_write_bytes);
  // Validated as RFC 3339 (the schema's date-time format is parseRfc3339): defined when present.
  const start = p.start_time === undefined ? undefined : parseRfc3339(p.start_time);
  if (start === undefined) out.null();
  else out.timestamptz(start.ms, start.us);
}

function optionalInt64(out: BinaryCopyWriter, value: number | undefined): void {
  if (value === undefined) out.null();
  else out.int64(value);
}

function optionalText(out: BinaryCopyWriter, value: string | undefined): void {
  if (value === undefined) out.null();
  else out.text(value);
}
