import { ProcessSample, ValidSnapshot, parseRfc3339 } from '@pa/contracts';
import { BinaryCopyWriter, encodeText, encodeTimestamptz } from './binary-copy';

/** process_samples columns in the order the rows are encoded. */
export const SAMPLE_COLUMNS = [
  'ts', 'machine_id', 'pid', 'ppid', 'name', 'username', 'cmdline', 'cpu_pct', 'mem_pct',
  'rss_bytes', 'vms_bytes', 'threads', 'state', 'io_read_bytes', 'io_write_bytes', 'start_time',
] as const;

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
