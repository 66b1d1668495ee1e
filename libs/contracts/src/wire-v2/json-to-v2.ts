/**
 * Schema version 2 from a snapshot's JSON in one walk over JSON.parse's tree: each field checked
 * and written as it is read, instead of ajv's walk (with the RFC 3339 parser as its date-time
 * format), then scrubSnapshot's, then encodeSnapshotV2's (the RFC 3339 parser again for every
 * start_time). Under item 4's load checkSnapshot and encodeSnapshotV2 were 18% of the gateway's
 * busy main thread (V8 profile, 2026-12-03); bytes to record, this walk takes 0.26–0.28 CPU-ms per
 * 200-process snapshot against 0.32–0.34 (measured by hand, no scrubbing). A pass over the bytes
 * without JSON.parse was tried first: in JavaScript it tokenized no faster than JSON.parse + ajv +
 * encoder together (0.32 ms each).
 *
 * It only says yes when the usual way (checkSnapshot, scrubSnapshot, encodeSnapshotV2) would accept
 * the snapshot and encode exactly these bytes; anything it is not sure of (invalid input, and the
 * rare valid forms named in json-to-v2.spec.ts) it declines with undefined, and the caller takes the
 * usual way, which also words every error.
 */
import { DEFAULT_RETENTION_MS, MAX_FUTURE_SKEW_MS, MAX_PROCESSES_PER_SNAPSHOT } from '../contracts.constants';
import { parseRfc3339 } from '../rfc3339';
import { isUuid } from '../uuid';
import { CommandLineScrubber } from '../scrubbing/command-line-scrubber';
import { SnapshotRules } from '../snapshot-validator';
import { PROCESS_ROW_COLUMNS, SNAPSHOT_V2_MAGIC } from './snapshot-v2.codec';

/** checkSnapshot's rules, plus the scrubber scrubSnapshot would apply (undefined: scrubbing off). */
export interface TranscodeRules extends SnapshotRules {
  scrub?: CommandLineScrubber;
}

export interface TranscodedSnapshot {
  machineId: string;
  tsMs: number;
  /** the value encodeSnapshotV2 gives for the validated, scrubbed snapshot */
  v2: Buffer;
}

const FIELDS = PROCESS_ROW_COLUMNS.length;
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MACHINE_ID_CHAR: boolean[] = Array.from({ length: 128 }, (_, c) => /^[A-Za-z0-9._:-]$/.test(String.fromCharCode(c)));

/** Thrown inside the walk when it declines; never leaves this module. */
class Declined {}
const DECLINED = new Declined();

function decline(): never {
  throw DECLINED;
}

/**
 * The schema version 2 value of one snapshot's JSON text, or undefined when the usual way must
 * decide. `rules` as checkSnapshot's, plus the scrubber.
 */
export function transcodeJsonToV2(json: string, rules: TranscodeRules): TranscodedSnapshot | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  try {
    return transcode(value, rules);
  } catch (error) {
    if (error === DECLINED) return undefined;
    throw error;
  }
}

/** The output, reused from call to call: grown when a snapshot needs more, copied out at the end. */
let out = Buffer.allocUnsafeSlow(256 * 1024);
let view = new DataView(out.buffer, out.byteOffset, out.byteLength);

function ensure(bytes: number): void {
  if (bytes <= out.length) return;
  const bigger = Buffer.allocUnsafeSlow(Math.max(bytes, out.length * 2));
  out.copy(bigger);
  out = bigger;
  view = new DataView(out.buffer, out.byteOffset, out.byteLength);
}

function transcode(value: unknown, rules: TranscodeRules): TranscodedSnapshot {
  const snapshot = object(value);
  const machineId = snapshot.machine_id;
  if (typeof machineId !== 'string' || machineId.length < 1 || machineId.length > 128) decline();
  for (let i = 0; i < machineId.length; i++) if (!MACHINE_ID_CHAR[machineId.charCodeAt(i)]) decline();
  const tsMs = instant(snapshot.ts).ms;
  if (tsMs > rules.nowMs + (rules.maxFutureSkewMs ?? MAX_FUTURE_SKEW_MS)) decline();
  if (tsMs < rules.nowMs - (rules.retentionMs ?? DEFAULT_RETENTION_MS)) decline();
  const batchId = snapshot.batch_id;
  if (batchId !== undefined && (typeof batchId !== 'string' || !isUuid(batchId))) decline();
  const processes = snapshot.processes;
  if (!Array.isArray(processes) || processes.length > MAX_PROCESSES_PER_SNAPSHOT) decline();

  // Header: magic, ts, flags, machine_id, batch_id, process count (machine_id is ASCII: 1 byte a character).
  const machineLength = machineId.length;
  ensure(14 + machineLength + 16 + 4);
  SNAPSHOT_V2_MAGIC.copy(out, 0);
  writeInt64(4, tsMs);
  out[12] = batchId === undefined ? 0 : 1;
  out[13] = machineLength;
  out.write(machineId, 14, 'latin1');
  let w = 14 + machineLength;
  if (batchId !== undefined) w += out.write(batchId.replace(/-/g, ''), w, 'hex');
  view.setUint32(w, processes.length);
  w += 4;
  const tsUs = (tsMs - PG_EPOCH_MS) * 1000;
  for (let index = 0; index < processes.length; index++) {
    w = row(object(processes[index]), w, tsUs, machineLength, rules);
  }
  const v2 = Buffer.allocUnsafe(w);
  out.copy(v2, 0, 0, w);
  return { machineId, tsMs, v2 };
}

/** One process's row at `w`, field by field in PROCESS_ROW_COLUMNS' order, as encodeSnapshotV2 writes it; returns its end. */
function row(p: Record<string, unknown>, w: number, tsUs: number, machineLength: number, rules: TranscodeRules): number {
  const name = text(p.name, 256);
  if (name === undefined || name.length === 0) decline();
  const username = text(p.username, 256);
  let cmdline = text(p.cmdline, 32_768);
  if (cmdline !== undefined && rules.scrub) cmdline = rules.scrub(cmdline);
  const state = text(p.state, 32);
  const startTime = p.start_time === undefined ? undefined : instant(p.start_time);
  ensure(w + 2 + FIELDS * 4 + 12 * 8 + machineLength + 3 * (name.length + (username?.length ?? 0) + (cmdline?.length ?? 0) + (state?.length ?? 0)));
  view.setInt16(w, FIELDS);
  w = int64(w + 2, tsUs);
  view.setInt32(w, machineLength);
  // The header's machine_id, already written: a byte loop (short) rather than a native copy.
  for (let i = 0; i < machineLength; i++) out[w + 4 + i] = out[14 + i];
  w += 4 + machineLength;
  w = int64(w, integer(p.pid, 4_294_967_295));
  w = optionalInt64(w, p.ppid, 4_294_967_295);
  w = textField(w, name);
  w = textField(w, username);
  w = textField(w, cmdline);
  w = float64(w, number(p.cpu_pct, 100_000));
  w = float64(w, number(p.mem_pct, 100));
  w = int64(w, integer(p.rss_bytes, MAX_SAFE));
  w = optionalInt64(w, p.vms_bytes, MAX_SAFE);
  if (p.threads === undefined) w = nullField(w);
  else {
    view.setInt32(w, 4);
    view.setInt32(w + 4, integer(p.threads, 10_000_000));
    w += 8;
  }
  w = textField(w, state);
  w = optionalInt64(w, p.io_read_bytes, MAX_SAFE);
  w = optionalInt64(w, p.io_write_bytes, MAX_SAFE);
  if (startTime === undefined) return nullField(w);
  const micros = (startTime.ms - PG_EPOCH_MS) * 1000 + startTime.us;
  // Outside ±2^53 µs (near years 0001 and 9999) the encoder goes through BigInt: so does the usual way.
  if (!Number.isSafeInteger(micros)) decline();
  return int64(w, micros);
}

/** A JSON object (not an array, not null). */
function object(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) decline();
  return value as Record<string, unknown>;
}

/**
 * A text field of at most `maxChars` code points without NUL or lone surrogates (the schema's
 * pattern), or undefined when absent. Code points are counted only when the UTF-16 length is over.
 */
function text(value: unknown, maxChars: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isWellFormed(value) || value.includes('\0')) decline();
  if (value.length > maxChars && codePoints(value) > maxChars) decline();
  return value;
}

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if ((text.charCodeAt(i) & 0xfc00) !== 0xdc00) n++;
  return n;
}

/** No lone surrogates: String#isWellFormed (ES2024, in Node ≥ 20; this tree's lib is ES2023). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** An RFC 3339 date-time of at most 64 characters (parseRfc3339 takes only ASCII: 1 a code point). */
function instant(value: unknown): { ms: number; us: number } {
  if (typeof value !== 'string' || value.length > 64) decline();
  return parseRfc3339(value) ?? decline();
}

function integer(value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || !(value >= 0) || value > max) decline();
  return value;
}

function number(value: unknown, max: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !(value <= max)) decline();
  return value;
}

function optionalInt64(w: number, value: unknown, max: number): number {
  return value === undefined ? nullField(w) : int64(w, integer(value, max));
}

function textField(w: number, value: string | undefined): number {
  if (value === undefined) return nullField(w);
  const length = value.length <= SHORT_TEXT ? writeAscii(value, w + 4) : -1;
  const bytes = length >= 0 ? length : out.write(value, w + 4, 'utf8');
  view.setInt32(w, bytes);
  return w + 4 + bytes;
}

/**
 * Up to this many UTF-16 units, ASCII text is written by a loop: cheaper than Buffer#write's native
 * call (the walk 0.80 → 0.75 of the old way's time on item 4's bodies, measured by hand).
 */
const SHORT_TEXT = 64;

/** Writes `value` at `at` if it is ASCII and returns its length, else -1 (and what was written is overwritten). */
function writeAscii(value: string, at: number): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return -1;
    out[at + i] = c;
  }
  return value.length;
}

function int64(w: number, value: number): number {
  view.setInt32(w, 8);
  writeInt64(w + 4, value);
  return w + 12;
}

function float64(w: number, value: number): number {
  view.setInt32(w, 8);
  view.setFloat64(w + 4, value);
  return w + 12;
}

function nullField(w: number): number {
  view.setInt32(w, -1);
  return w + 4;
}

function writeInt64(at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  view.setInt32(at, high);
  view.setUint32(at + 4, value - high * TWO_32);
}
