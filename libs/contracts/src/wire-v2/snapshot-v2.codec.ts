/**
 * Schema version 2: one snapshot as a small header followed by its process rows exactly as
 * PostgreSQL binary COPY tuples of process_samples (layout byte by byte in WIRE-V2.md). The writer
 * validates the rows in place and hands the same bytes to COPY: no JSON, no object per process.
 * The rules are those of process-snapshot.v1.schema.json and checkSnapshot, field by field.
 */
import { DEFAULT_RETENTION_MS, MAX_FUTURE_SKEW_MS, MAX_PROCESSES_PER_SNAPSHOT } from '../contracts.constants';
import { ProcessSnapshot, ValidSnapshot } from '../process-snapshot';
import { parseRfc3339 } from '../rfc3339';
import { CmdlineFieldMemo } from './cmdline-field-memo';
import { SnapshotRules } from '../snapshot-validator';

/** process_samples columns in the order of each row's fields (the writer's COPY column list). */
export const PROCESS_ROW_COLUMNS = [
  'ts', 'machine_id', 'pid', 'ppid', 'name', 'username', 'cmdline', 'cpu_pct', 'mem_pct',
  'rss_bytes', 'vms_bytes', 'threads', 'state', 'io_read_bytes', 'io_write_bytes', 'start_time',
] as const;

/** "PAS2": the first four bytes of every version 2 value. */
export const SNAPSHOT_V2_MAGIC: Buffer = Buffer.from('PAS2', 'latin1');
const FLAG_BATCH_ID = 1;
/** magic, ts, flags, machine_id length */
const FIXED_HEADER_BYTES = 4 + 8 + 1 + 1;
const FIELDS = PROCESS_ROW_COLUMNS.length;
/** ms from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
/** start_time bounds (µs since 2000-01-01): 0001-01-01T00:00:00Z up to 10000-01-01 excluded, as parseRfc3339. */
const START_MIN_US = (-62_135_596_800_000 - PG_EPOCH_MS) * 1000;
const START_END_US = (253_402_300_800_000 - PG_EPOCH_MS) * 1000;
/** 2^53 - 1 = high word 0x1FFFFF, low word 0xFFFFFFFF */
const MAX_SAFE_HIGH = 0x1f_ffff;

export interface SnapshotV2Rules extends SnapshotRules {
  /** scrubs secrets out of each cmdline (one memo for all the records it decodes); undefined when scrubbing is off */
  scrub?: CmdlineFieldMemo;
}

export type SnapshotV2Check = { ok: true; snapshot: ValidSnapshot } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------------
// Encoding (gateway, collectors, bench): a validated snapshot to its version 2 bytes.

/**
 * The version 2 value of a validated (and scrubbed) snapshot; its `tsMs` is taken from `ts` when
 * absent. Throws on an invalid `ts` or `start_time` (validate first: checkSnapshot).
 */
export function encodeSnapshotV2(snapshot: ProcessSnapshot & { tsMs?: number }): Buffer {
  const tsMs = snapshot.tsMs ?? parseRfc3339(snapshot.ts)?.ms;
  if (tsMs === undefined) throw new TypeError(`ts ${snapshot.ts} is not an RFC 3339 date-time`);
  const machine = Buffer.from(snapshot.machine_id, 'latin1');
  let bound = FIXED_HEADER_BYTES + machine.length + 16 + 4;
  for (const p of snapshot.processes) {
    bound += 2 + FIELDS * 4 + 12 * 8 + machine.length + 4;
    bound += 3 * (p.name.length + (p.username?.length ?? 0) + (p.cmdline?.length ?? 0) + (p.state?.length ?? 0));
  }
  const out = Buffer.allocUnsafe(bound);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  SNAPSHOT_V2_MAGIC.copy(out, 0);
  writeInt64(view, 4, tsMs);
  out[12] = snapshot.batch_id === undefined ? 0 : FLAG_BATCH_ID;
  out[13] = machine.length;
  machine.copy(out, 14);
  let at = 14 + machine.length;
  if (snapshot.batch_id !== undefined) {
    out.write(snapshot.batch_id.replace(/-/g, ''), at, 'hex');
    at += 16;
  }
  view.setUint32(at, snapshot.processes.length);
  at += 4;
  const tsUs = (tsMs - PG_EPOCH_MS) * 1000;
  const text = (value: string | undefined): void => {
    if (value === undefined) {
      view.setInt32(at, -1);
      at += 4;
      return;
    }
    const length = out.write(value, at + 4, 'utf8');
    view.setInt32(at, length);
    at += 4 + length;
  };
  const int64 = (value: number | undefined): void => {
    if (value === undefined) {
      view.setInt32(at, -1);
      at += 4;
      return;
    }
    view.setInt32(at, 8);
    writeInt64(view, at + 4, value);
    at += 12;
  };
  const float64 = (value: number): void => {
    view.setInt32(at, 8);
    view.setFloat64(at + 4, value);
    at += 12;
  };
  for (const p of snapshot.processes) {
    view.setInt16(at, FIELDS);
    at += 2;
    int64(tsUs);
    view.setInt32(at, machine.length);
    machine.copy(out, at + 4);
    at += 4 + machine.length;
    int64(p.pid);
    int64(p.ppid);
    text(p.name);
    text(p.username);
    text(p.cmdline);
    float64(p.cpu_pct);
    float64(p.mem_pct);
    int64(p.rss_bytes);
    int64(p.vms_bytes);
    if (p.threads === undefined) {
      view.setInt32(at, -1);
      at += 4;
    } else {
      view.setInt32(at, 4);
      view.setInt32(at + 4, p.threads);
      at += 8;
    }
    text(p.state);
    int64(p.io_read_bytes);
    int64(p.io_write_bytes);
    const start = p.start_time === undefined ? undefined : parseRfc3339(p.start_time);
    if (p.start_time !== undefined && start === undefined) throw new TypeError(`start_time ${p.start_time} is not an RFC 3339 date-time`);
    if (start === undefined) {
      view.setInt32(at, -1);
      at += 4;
    } else {
      view.setInt32(at, 8);
      const micros = (start.ms - PG_EPOCH_MS) * 1000 + start.us;
      if (Number.isSafeInteger(micros)) writeInt64(view, at + 4, micros);
      else view.setBigInt64(at + 4, BigInt(start.ms - PG_EPOCH_MS) * 1000n + BigInt(start.us));
      at += 12;
    }
  }
  return out.subarray(0, at);
}

function writeInt64(view: DataView, at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  view.setInt32(at, high);
  view.setUint32(at + 4, value - high * TWO_32);
}

// ---------------------------------------------------------------------------------------------
// Decoding (writer): validate in place, copy nothing unless a cmdline is scrubbed.

const NULL = -1;
const TRUNCATED = -2;
const BAD_LENGTH = -3;
// The row loop's field lists, made once: literals in the loop were arrays allocated per row.
const ID_FIELDS = ['pid', 'ppid'] as const;
const PERCENT_FIELDS = [['cpu_pct', 100_000], ['mem_pct', 100]] as const;
const SIZE_FIELDS = ['rss_bytes', 'vms_bytes'] as const;
const IO_FIELDS = ['io_read_bytes', 'io_write_bytes'] as const;

/**
 * Checks a version 2 value against the contract and the time window, scrubs each cmdline, and
 * returns the snapshot with its rows as COPY bytes (`copyRows`; `processes` stays empty). Never
 * throws: the first problem comes back as `pointer: message`, the pointer as v1's (for example
 * `/processes/3/cmdline`). The key (== machine_id) is the caller's to check.
 */
export function decodeSnapshotV2(value: Buffer, rules: SnapshotV2Rules): SnapshotV2Check {
  const n = value.length;
  if (n < FIXED_HEADER_BYTES || value.compare(SNAPSHOT_V2_MAGIC, 0, 4, 0, 4) !== 0) {
    return refuse('', 'is not a schema version 2 snapshot (it must start with the bytes "PAS2")');
  }
  const view = new DataView(value.buffer, value.byteOffset, n);
  const tsHigh = view.getInt32(4);
  if (tsHigh < -MAX_SAFE_HIGH - 1 || tsHigh > MAX_SAFE_HIGH) return refuse('/ts', 'is out of range');
  const tsMs = tsHigh * TWO_32 + view.getUint32(8);
  const flags = value[12];
  if ((flags & ~FLAG_BATCH_ID) !== 0) return refuse('', `has unknown header flags 0x${flags.toString(16)}`);
  const machineLength = value[13];
  if (machineLength < 1 || machineLength > 128) return refuse('/machine_id', 'must be 1 to 128 characters');
  let at = FIXED_HEADER_BYTES + machineLength + (flags & FLAG_BATCH_ID ? 16 : 0) + 4;
  if (at > n) return refuse('', 'is truncated in its header');
  const machineFrom = FIXED_HEADER_BYTES;
  for (let i = machineFrom; i < machineFrom + machineLength; i++) {
    if (!MACHINE_ID_BYTE[value[i]]) return refuse('/machine_id', 'must contain only letters, digits and . _ : -');
  }
  const machineId = value.toString('latin1', machineFrom, machineFrom + machineLength);
  const batchId = flags & FLAG_BATCH_ID ? formatUuid(value, machineFrom + machineLength) : undefined;
  const count = view.getUint32(at - 4);
  if (count > MAX_PROCESSES_PER_SNAPSHOT) return refuse('/processes', `must have at most ${MAX_PROCESSES_PER_SNAPSHOT} items`);
  const maxFuture = rules.maxFutureSkewMs ?? MAX_FUTURE_SKEW_MS;
  if (tsMs > rules.nowMs + maxFuture) return refuse('/ts', `is more than ${maxFuture / 60_000} minutes in the future`);
  const retention = rules.retentionMs ?? DEFAULT_RETENTION_MS;
  if (tsMs < rules.nowMs - retention) return refuse('/ts', `is older than the retention of ${retention / 86_400_000} days`);

  const rowsFrom = at;
  // The ts field every row must carry: length 8, µs since 2000 (int64), as the writer encodes it.
  const tsUs = (tsMs - PG_EPOCH_MS) * 1000;
  const tsUsHigh = Math.floor(tsUs / TWO_32);
  const tsUsLow = tsUs - tsUsHigh * TWO_32;
  /** scrubbed cmdlines: [field start, field end, new field bytes] */
  let edits: [number, number, Buffer][] | undefined;
  for (let index = 0; index < count; index++) {
    if (at + 2 > n) return refuseRow(index, '', 'is truncated');
    const fields = view.getInt16(at);
    if (fields !== FIELDS) return refuseRow(index, '', `must have ${FIELDS} fields (has ${fields})`);
    at += 2;
    // ts and machine_id: the snapshot's, repeated (so the rows go to COPY as they are).
    let len = fieldLength(view, at, n);
    if (len !== 8 || view.getInt32(at + 4) !== tsUsHigh || view.getUint32(at + 8) !== tsUsLow) {
      return len === TRUNCATED ? refuseRow(index, '', 'is truncated') : refuseRow(index, '', "must carry the snapshot's ts in its ts field");
    }
    at += 12;
    len = fieldLength(view, at, n);
    if (len !== machineLength || !sameBytes(value, machineFrom, at + 4, len)) {
      return len === TRUNCATED ? refuseRow(index, '', 'is truncated') : refuseRow(index, '', "must carry the snapshot's machine_id in its machine_id field");
    }
    at += 4 + len;
    // pid, ppid: integers 0 … 4294967295 (int64 with a zero high word)
    for (const field of ID_FIELDS) {
      len = fieldLength(view, at, n);
      if (len === NULL && field === 'ppid') {
        at += 4;
        continue;
      }
      const problem = int64Problem(len, view, at, 0);
      if (problem) return refuseRow(index, field, problem === BELOW ? 'must be a number ≥ 0' : problem === ABOVE ? 'must be a number ≤ 4294967295' : problem);
      at += 12;
    }
    // name (1–256 characters), username (≤ 256), cmdline (≤ 32768): UTF-8 text without NUL
    len = fieldLength(view, at, n);
    let problem = textProblem(value, at, len, 1, 256, false);
    if (problem) return refuseRow(index, 'name', problem);
    at += 4 + len;
    len = fieldLength(view, at, n);
    problem = textProblem(value, at, len, 0, 256, true);
    if (problem) return refuseRow(index, 'username', problem);
    at += 4 + Math.max(0, len);
    len = fieldLength(view, at, n);
    // A command line the memo knows was validated and scrubbed before, found by its bytes (half
    // the v2 decode was decoding it to a string and hashing that for a string memo: item 1's profile).
    const memo = len > 0 ? rules.scrub : undefined;
    let scrubbed = memo?.recall(value, view, at + 4, at + 4 + len);
    if (scrubbed === undefined) {
      problem = textProblem(value, at, len, 0, 32_768, true);
      if (problem) return refuseRow(index, 'cmdline', problem);
      scrubbed = memo?.learn(value, view, at + 4, at + 4 + len);
    }
    if (scrubbed) (edits ??= []).push([at, at + 4 + len, scrubbed]);
    at += 4 + Math.max(0, len);
    // cpu_pct 0–100000, mem_pct 0–100: finite float8 (NaN fails both comparisons)
    for (const [field, max] of PERCENT_FIELDS) {
      len = fieldLength(view, at, n);
      if (len !== 8) return refuseRow(index, field, lengthProblem(len, 8));
      const x = view.getFloat64(at + 4);
      if (!(x >= 0)) return refuseRow(index, field, Number.isNaN(x) ? 'must be a number (not NaN)' : 'must be a number ≥ 0');
      if (!(x <= max)) return refuseRow(index, field, `must be a number ≤ ${max}`);
      at += 12;
    }
    // rss_bytes (required), vms_bytes: 0 … 2^53 - 1
    for (const field of SIZE_FIELDS) {
      len = fieldLength(view, at, n);
      if (len === NULL && field === 'vms_bytes') {
        at += 4;
        continue;
      }
      const p = int64Problem(len, view, at, MAX_SAFE_HIGH);
      if (p) return refuseRow(index, field, bytesProblem(p));
      at += 12;
    }
    // threads: int4 0 … 10000000
    len = fieldLength(view, at, n);
    if (len === 4) {
      const threads = view.getInt32(at + 4);
      if (threads < 0) return refuseRow(index, 'threads', 'must be a number ≥ 0');
      if (threads > 10_000_000) return refuseRow(index, 'threads', 'must be a number ≤ 10000000');
      at += 8;
    } else if (len === NULL) at += 4;
    else return refuseRow(index, 'threads', lengthProblem(len, 4));
    // state: ≤ 32 characters
    len = fieldLength(view, at, n);
    problem = textProblem(value, at, len, 0, 32, true);
    if (problem) return refuseRow(index, 'state', problem);
    at += 4 + Math.max(0, len);
    for (const field of IO_FIELDS) {
      len = fieldLength(view, at, n);
      if (len === NULL) {
        at += 4;
        continue;
      }
      const p = int64Problem(len, view, at, MAX_SAFE_HIGH);
      if (p) return refuseRow(index, field, bytesProblem(p));
      at += 12;
    }
    // start_time: timestamptz (µs since 2000) whose UTC date lies in years 0001–9999
    len = fieldLength(view, at, n);
    if (len === 8) {
      const high = view.getInt32(at + 4);
      const us = high * TWO_32 + view.getUint32(at + 8);
      // Outside ±2^53 the sum is rounded; the bounds lie well inside except near year 9999 / 0001,
      // where BigInt decides exactly.
      const exact = Number.isSafeInteger(us) ? us < START_MIN_US || us >= START_END_US : outsideStartBounds(view.getBigInt64(at + 4));
      if (exact) return refuseRow(index, 'start_time', 'must be an instant within years 0001–9999 (UTC)');
      at += 12;
    } else if (len === NULL) at += 4;
    else return refuseRow(index, 'start_time', lengthProblem(len, 8));
  }
  if (at !== n) return refuse('', `has ${n - at} bytes after its ${count} processes`);
  const parts = edits ? spliceEdits(value, rowsFrom, n, edits) : count > 0 ? [value.subarray(rowsFrom, n)] : [];
  const snapshot: ValidSnapshot = { machine_id: machineId, ts: new Date(tsMs).toISOString(), tsMs, processes: [], copyRows: { count, parts } };
  if (batchId !== undefined) snapshot.batch_id = batchId;
  return { ok: true, snapshot };
}

/** A byte loop: Buffer#compare's native call costs more than comparing ~20 bytes (7% of the decode in a V8 profile). */
function sameBytes(bytes: Buffer, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function refuse(pointer: string, message: string): SnapshotV2Check {
  return { ok: false, reason: `${pointer || '/'}: ${message}` };
}

function refuseRow(index: number, field: string, message: string): SnapshotV2Check {
  return refuse(`/processes/${index}${field ? `/${field}` : ''}`, message);
}

/** The field length at `at` (−1 NULL), or TRUNCATED when the field runs past the value, BAD_LENGTH when < −1. */
function fieldLength(view: DataView, at: number, n: number): number {
  if (at + 4 > n) return TRUNCATED;
  const len = view.getInt32(at);
  if (len < NULL) return BAD_LENGTH;
  if (at + 4 + Math.max(0, len) > n) return TRUNCATED;
  return len;
}

function lengthProblem(len: number, expected: number): string {
  if (len === NULL) return 'is required';
  if (len === TRUNCATED) return 'is truncated';
  return `must be a ${expected}-byte field (is ${len === BAD_LENGTH ? 'a negative length' : `${len} bytes`})`;
}

const BELOW = 'below';
const ABOVE = 'above';

/** An int64 field within 0 … (maxHigh · 2^32 + 2^32 − 1), or what is wrong with it. */
function int64Problem(len: number, view: DataView, at: number, maxHigh: number): string | undefined {
  if (len !== 8) return lengthProblem(len, 8);
  const high = view.getInt32(at + 4);
  if (high < 0) return BELOW;
  if (high > maxHigh) return ABOVE;
  return undefined;
}

function bytesProblem(problem: string): string {
  if (problem === BELOW) return 'must be a number ≥ 0';
  if (problem === ABOVE) return 'must be a number ≤ 9007199254740991';
  return problem;
}

function outsideStartBounds(us: bigint): boolean {
  return us < BigInt(START_MIN_US) || us >= BigInt(START_END_US);
}

/**
 * What is wrong with a text field, if anything: NULL where required, too few or too many
 * characters (code points, as JSON Schema counts them), invalid UTF-8 (overlong forms, surrogates
 * and code points past U+10FFFF are invalid, as for TextDecoder's fatal mode), or a NUL.
 */
function textProblem(bytes: Buffer, at: number, len: number, minChars: number, maxChars: number, nullable: boolean): string | undefined {
  if (len === NULL) return nullable ? undefined : 'is required';
  if (len < 0) return lengthProblem(len, 0).replace('must be a 0-byte field', 'must be a text field');
  let chars = 0;
  const end = at + 4 + len;
  for (let i = at + 4; i < end; ) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0) return 'must not contain NUL characters';
      i++;
    } else if (b < 0xc2) return INVALID_UTF8;
    else if (b < 0xe0) {
      if (i + 2 > end || !isContinuation(bytes[i + 1])) return INVALID_UTF8;
      i += 2;
    } else if (b < 0xf0) {
      const b1 = bytes[i + 1];
      if (i + 3 > end || b1 < (b === 0xe0 ? 0xa0 : 0x80) || b1 > (b === 0xed ? 0x9f : 0xbf) || !isContinuation(bytes[i + 2])) return INVALID_UTF8;
      i += 3;
    } else if (b < 0xf5) {
      const b1 = bytes[i + 1];
      if (i + 4 > end || b1 < (b === 0xf0 ? 0x90 : 0x80) || b1 > (b === 0xf4 ? 0x8f : 0xbf) || !isContinuation(bytes[i + 2]) || !isContinuation(bytes[i + 3])) {
        return INVALID_UTF8;
      }
      i += 4;
    } else return INVALID_UTF8;
    chars++;
  }
  if (chars < minChars) return `must be at least ${minChars} characters`;
  if (chars > maxChars) return `must be at most ${maxChars} characters`;
  return undefined;
}

const INVALID_UTF8 = 'must be valid UTF-8 (no overlong forms, no surrogates)';

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

const MACHINE_ID_BYTE: boolean[] = Array.from({ length: 256 }, (_, b) => /^[A-Za-z0-9._:-]$/.test(String.fromCharCode(b)));

function formatUuid(bytes: Buffer, at: number): string {
  const hex = bytes.toString('hex', at, at + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The rows with each scrubbed cmdline field replaced: views into the value around the new fields. */
function spliceEdits(value: Buffer, from: number, to: number, edits: [number, number, Buffer][]): Buffer[] {
  const parts: Buffer[] = [];
  let at = from;
  for (const [start, end, field] of edits) {
    if (start > at) parts.push(value.subarray(at, start));
    parts.push(field);
    at = end;
  }
  if (to > at) parts.push(value.subarray(at, to));
  return parts;
}
