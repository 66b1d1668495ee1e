import { ProcessSample, ValidSnapshot } from '../process-snapshot';
import { createCommandLineScrubber } from '../scrubbing/command-line-scrubber';
import { SNAPSHOT_V2_MAGIC, decodeSnapshotV2, encodeSnapshotV2 } from './snapshot-v2.codec';
import { memoizeScrubber } from './scrub-memo';
import { CmdlineFieldMemo } from './cmdline-field-memo';

const nowMs = Date.parse('2026-11-29T12:00:00Z');
const rules = { nowMs, retentionMs: 30 * 86_400_000 };

function process(pid: number, overrides: Partial<ProcessSample> = {}): ProcessSample {
  return {
    pid,
    ppid: 1,
    name: `proc-${pid}`,
    username: 'root',
    cmdline: `/usr/bin/proc-${pid} --flag "quoted\ttab" é 日本 😀`,
    cpu_pct: 12.5,
    mem_pct: 0.1 + 0.2,
    rss_bytes: 4096,
    vms_bytes: 8192,
    threads: 3,
    state: 'S',
    io_read_bytes: 10,
    io_write_bytes: 3,
    start_time: '2026-01-01T00:00:00.123456Z',
    ...overrides,
  };
}

function snapshot(processes: ProcessSample[], extra: Partial<ValidSnapshot> = {}): ValidSnapshot {
  return { machine_id: 'm-1', ts: new Date(nowMs - 60_000).toISOString(), tsMs: nowMs - 60_000, processes, ...extra };
}

/** Byte offset of field `column` of process 0 (the first row). */
function firstRowField(value: Buffer, column: number): number {
  let at = 4 + 8 + 1 + 1 + value[13] + (value[12] & 1 ? 16 : 0) + 4 + 2;
  for (let c = 0; c < column; c++) at += 4 + Math.max(0, value.readInt32BE(at));
  return at;
}

function reasonOf(value: Buffer, r = rules): string {
  const decoded = decodeSnapshotV2(value, r);
  if (decoded.ok) throw new Error('accepted');
  return decoded.reason;
}

describe('schema version 2 codec', () => {
  it('round-trips a snapshot: header fields, and rows as COPY tuples (floats bit for bit)', () => {
    const optional = { ppid: undefined, username: undefined, cmdline: undefined, vms_bytes: undefined, threads: undefined, state: undefined };
    const s = snapshot([process(1, { cpu_pct: -0, mem_pct: 5e-324 }), process(2, { ...optional, io_read_bytes: undefined, io_write_bytes: undefined, start_time: undefined })], {
      batch_id: '0F8FAD5B-D9CB-469F-A165-70867728950E',
    });
    const value = encodeSnapshotV2(s);
    expect(value.subarray(0, 4)).toEqual(SNAPSHOT_V2_MAGIC);
    const decoded = decodeSnapshotV2(value, rules);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.snapshot).toMatchObject({ machine_id: 'm-1', tsMs: s.tsMs, batch_id: '0f8fad5b-d9cb-469f-a165-70867728950e', processes: [] });
    expect(decoded.snapshot.copyRows?.count).toBe(2);
    const rows = Buffer.concat(decoded.snapshot.copyRows?.parts ?? []);
    // The rows are the value's tail, untouched (no scrubber given).
    expect(rows.equals(value.subarray(value.length - rows.length))).toBe(true);
    // cpu_pct -0 and mem_pct (the smallest subnormal) keep their bits.
    expect(Object.is(value.readDoubleBE(firstRowField(value, 7) + 4), -0)).toBe(true);
    expect(value.readDoubleBE(firstRowField(value, 8) + 4)).toBe(5e-324);
    // The second row: its optional fields NULL (length -1).
    const second = firstRowField(value, 16);
    expect(value.readInt16BE(second)).toBe(16);
    expect(value.readInt32BE(second + 2 + 12 + 4 + 3 + 12)).toBe(-1);
  });

  it('encodes start_time at microsecond precision and ts as µs since 2000', () => {
    const value = encodeSnapshotV2(snapshot([process(1)]));
    const at = firstRowField(value, 15);
    expect(value.readInt32BE(at)).toBe(8);
    const us = value.readBigInt64BE(at + 4);
    expect(us).toBe(BigInt(Date.parse('2026-01-01T00:00:00Z') - 946_684_800_000) * 1000n + 123_456n);
    expect(value.readBigInt64BE(firstRowField(value, 0) + 4)).toBe(BigInt(nowMs - 60_000 - 946_684_800_000) * 1000n);
  });

  it('accepts a snapshot without processes', () => {
    const decoded = decodeSnapshotV2(encodeSnapshotV2(snapshot([])), rules);
    expect(decoded).toMatchObject({ ok: true, snapshot: { copyRows: { count: 0, parts: [] } } });
  });

  it('scrubs each cmdline and replaces only that field, the same from the memo as the first time', () => {
    const scrubber = createCommandLineScrubber();
    const scrubbed: string[] = [];
    const scrub = new CmdlineFieldMemo((line) => {
      scrubbed.push(line);
      return scrubber(line);
    });
    const s = snapshot([process(1), process(2, { cmdline: 'mysql --password=hunter2x -h db' }), process(3)]);
    const value = encodeSnapshotV2(s);
    const expected = encodeSnapshotV2({ ...s, processes: [process(1), process(2, { cmdline: scrubber('mysql --password=hunter2x -h db') }), process(3)] });
    for (let round = 0; round < 2; round++) {
      const decoded = decodeSnapshotV2(value, { ...rules, scrub });
      if (!decoded.ok) throw new Error(decoded.reason);
      const rows = Buffer.concat(decoded.snapshot.copyRows?.parts ?? []);
      expect(rows.toString('latin1')).not.toContain('hunter2x');
      expect(rows.equals(expected.subarray(expected.length - rows.length))).toBe(true);
    }
    // The second record's command lines came from the memo.
    expect(scrubbed).toHaveLength(3);
  });

  it('refuses an invalid cmdline every time: the memo learns validated fields only', () => {
    const scrub = new CmdlineFieldMemo(createCommandLineScrubber());
    const value = encodeSnapshotV2(snapshot([process(1, { cmdline: 'a\u0000b' })]));
    for (let round = 0; round < 2; round++) expect(reasonOf(value, { ...rules, scrub } as typeof rules)).toBe('/processes/0/cmdline: must not contain NUL characters');
  });

  describe('refuses, naming the field and process index', () => {
    const valid = () => encodeSnapshotV2(snapshot([process(1), process(2)]));
    /** The value with process 0's field `column` replaced by `field` (length prefix included). */
    const withField = (column: number, field: Buffer): Buffer => {
      const value = valid();
      const at = firstRowField(value, column);
      const end = at + 4 + Math.max(0, value.readInt32BE(at));
      return Buffer.concat([value.subarray(0, at), field, value.subarray(end)]);
    };
    const int64 = (v: bigint) => Buffer.concat([Buffer.from([0, 0, 0, 8]), bigBytes(v)]);
    const float = (v: number) => {
      const b = Buffer.alloc(12);
      b.writeInt32BE(8);
      b.writeDoubleBE(v, 4);
      return b;
    };
    const int32 = (v: number) => {
      const b = Buffer.alloc(8);
      b.writeInt32BE(4);
      b.writeInt32BE(v, 4);
      return b;
    };
    const text = (bytes: Buffer) => Buffer.concat([lengthOf(bytes.length), bytes]);
    const NULL = lengthOf(-1);

    it.each([
      ['pid NULL', 2, NULL, '/processes/0/pid: is required'],
      ['pid negative', 2, int64(-1n), '/processes/0/pid: must be a number ≥ 0'],
      ['pid above 2^32 - 1', 2, int64(2n ** 32n), '/processes/0/pid: must be a number ≤ 4294967295'],
      ['pid of 4 bytes', 2, int32(1), '/processes/0/pid: must be a 8-byte field (is 4 bytes)'],
      ['ppid above 2^32 - 1', 3, int64(2n ** 32n), '/processes/0/ppid: must be a number ≤ 4294967295'],
      ['name NULL', 4, NULL, '/processes/0/name: is required'],
      ['name empty', 4, text(Buffer.alloc(0)), '/processes/0/name: must be at least 1 characters'],
      ['name of 257 characters', 4, text(Buffer.from('é'.repeat(257))), '/processes/0/name: must be at most 256 characters'],
      ['name with NUL', 4, text(Buffer.from('a\0b')), '/processes/0/name: must not contain NUL characters'],
      ['name with an invalid byte', 4, text(Buffer.from([0x61, 0xff])), '/processes/0/name: must be valid UTF-8'],
      ['name with an overlong form', 4, text(Buffer.from([0xc0, 0xaf])), '/processes/0/name: must be valid UTF-8'],
      ['name with a surrogate', 4, text(Buffer.from([0xed, 0xa0, 0x80])), '/processes/0/name: must be valid UTF-8'],
      ['name past U+10FFFF', 4, text(Buffer.from([0xf4, 0x90, 0x80, 0x80])), '/processes/0/name: must be valid UTF-8'],
      ['name with a cut sequence', 4, text(Buffer.from([0x61, 0xe6, 0x97])), '/processes/0/name: must be valid UTF-8'],
      ['username of 257 characters', 5, text(Buffer.from('u'.repeat(257))), '/processes/0/username: must be at most 256 characters'],
      ['cmdline of 32769 characters', 6, text(Buffer.from('c'.repeat(32_769))), '/processes/0/cmdline: must be at most 32768 characters'],
      ['cmdline with NUL', 6, text(Buffer.from('x\0')), '/processes/0/cmdline: must not contain NUL characters'],
      ['cpu_pct NaN', 7, float(NaN), '/processes/0/cpu_pct: must be a number (not NaN)'],
      ['cpu_pct negative', 7, float(-1e-9), '/processes/0/cpu_pct: must be a number ≥ 0'],
      ['cpu_pct infinite', 7, float(Infinity), '/processes/0/cpu_pct: must be a number ≤ 100000'],
      ['cpu_pct NULL', 7, NULL, '/processes/0/cpu_pct: is required'],
      ['mem_pct above 100', 8, float(100.000001), '/processes/0/mem_pct: must be a number ≤ 100'],
      ['rss_bytes NULL', 9, NULL, '/processes/0/rss_bytes: is required'],
      ['rss_bytes 2^53', 9, int64(2n ** 53n), '/processes/0/rss_bytes: must be a number ≤ 9007199254740991'],
      ['vms_bytes negative', 10, int64(-5n), '/processes/0/vms_bytes: must be a number ≥ 0'],
      ['threads above 10^7', 11, int32(10_000_001), '/processes/0/threads: must be a number ≤ 10000000'],
      ['threads negative', 11, int32(-1), '/processes/0/threads: must be a number ≥ 0'],
      ['threads of 8 bytes', 11, int64(1n), '/processes/0/threads: must be a 4-byte field (is 8 bytes)'],
      ['state of 33 characters', 12, text(Buffer.from('s'.repeat(33))), '/processes/0/state: must be at most 32 characters'],
      ['io_read_bytes 2^63 - 1', 13, int64(2n ** 63n - 1n), '/processes/0/io_read_bytes: must be a number ≤ 9007199254740991'],
      ['io_write_bytes negative', 14, int64(-1n), '/processes/0/io_write_bytes: must be a number ≥ 0'],
      ['start_time before year 1', 15, int64(BigInt(-62_135_596_800_000 - 946_684_800_000) * 1000n - 1n), '/processes/0/start_time: must be an instant within years 0001–9999 (UTC)'],
      ['start_time in year 10000', 15, int64(BigInt(253_402_300_800_000 - 946_684_800_000) * 1000n), '/processes/0/start_time: must be an instant within years 0001–9999 (UTC)'],
      ['start_time at 2^63 - 1', 15, int64(2n ** 63n - 1n), '/processes/0/start_time: must be an instant within years 0001–9999'],
      ['ts differing from the header', 0, int64(0n), "/processes/0: must carry the snapshot's ts in its ts field"],
      ['machine_id differing from the header', 1, text(Buffer.from('m-2')), "/processes/0: must carry the snapshot's machine_id in its machine_id field"],
      ['a negative field length', 4, lengthOf(-7), '/processes/0/name: must be a text field (is a negative length)'],
    ])('%s', (_name, column, field, reason) => {
      expect(reasonOf(withField(column, field))).toContain(reason);
    });

    it('accepts the bounds themselves', () => {
      const bounds = withField(15, int64(BigInt(-62_135_596_800_000 - 946_684_800_000) * 1000n));
      expect(decodeSnapshotV2(bounds, rules).ok).toBe(true);
      expect(decodeSnapshotV2(withField(9, int64(2n ** 53n - 1n)), rules).ok).toBe(true);
      expect(decodeSnapshotV2(withField(2, int64(2n ** 32n - 1n)), rules).ok).toBe(true);
      expect(decodeSnapshotV2(withField(4, text(Buffer.from('😀'.repeat(256)))), rules).ok).toBe(true);
      expect(decodeSnapshotV2(withField(6, NULL), rules).ok).toBe(true);
    });

    it('a row without 16 fields', () => {
      const value = valid();
      value.writeInt16BE(15, firstRowField(value, 0) - 2);
      expect(reasonOf(value)).toBe('/processes/0: must have 16 fields (has 15)');
    });

    it('every truncation of a valid value', () => {
      const value = valid();
      for (let end = 0; end < value.length; end++) {
        expect(decodeSnapshotV2(value.subarray(0, end), rules).ok).toBe(false);
      }
      expect(reasonOf(value.subarray(0, value.length - 3))).toBe('/processes/1/start_time: is truncated');
    });

    it('trailing bytes', () => {
      expect(reasonOf(Buffer.concat([valid(), Buffer.from([0])]))).toBe('/: has 1 bytes after its 2 processes');
    });

    it('a value that is not version 2', () => {
      expect(reasonOf(Buffer.from('{"machine_id":"m-1"}'))).toBe('/: is not a schema version 2 snapshot (it must start with the bytes "PAS2")');
    });

    it('header fields: machine_id, flags, count, ts window', () => {
      const value = valid();
      const badMachine = Buffer.from(value);
      badMachine[14] = 0x20;
      expect(reasonOf(badMachine)).toBe('/machine_id: must contain only letters, digits and . _ : -');
      const noMachine = Buffer.from(value);
      noMachine[13] = 0;
      expect(reasonOf(noMachine)).toBe('/machine_id: must be 1 to 128 characters');
      const flags = Buffer.from(value);
      flags[12] = 2;
      expect(reasonOf(flags)).toBe('/: has unknown header flags 0x2');
      const tooMany = Buffer.from(value);
      tooMany.writeUInt32BE(10_001, 14 + 3);
      expect(reasonOf(tooMany)).toBe('/processes: must have at most 10000 items');
      expect(reasonOf(encodeSnapshotV2(snapshot([], { tsMs: nowMs + 6 * 60_000 })))).toBe('/ts: is more than 5 minutes in the future');
      expect(reasonOf(encodeSnapshotV2(snapshot([], { tsMs: nowMs - 31 * 86_400_000 })))).toBe('/ts: is older than the retention of 30 days');
    });
  });
});

describe('CmdlineFieldMemo', () => {
  it('answers SAME for a line that scrubs to itself, the new field for one that does not, and stays right past its bound', () => {
    const memo = new CmdlineFieldMemo((line) => line.replace('secret', '******'), 12);
    for (let round = 0; round < 3; round++) {
      for (const line of ['plain', 'a secret', 'other', 'more secret', 'é日本😀 secret']) {
        const bytes = Buffer.concat([Buffer.from('xy'), Buffer.from(line)]);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
        const answer = memo.recall(bytes, view, 2, bytes.length) ?? memo.learn(bytes, view, 2, bytes.length);
        const scrubbed = line.replace('secret', '******');
        if (scrubbed === line) expect(answer).toBeNull();
        else expect(answer).toEqual(Buffer.concat([lengthOf(Buffer.byteLength(scrubbed)), Buffer.from(scrubbed)]));
      }
    }
  });
});

describe('memoizeScrubber', () => {
  it('answers as the scrubber does, and calls it once per distinct command line while it fits', () => {
    const seen: string[] = [];
    const memo = memoizeScrubber((c) => {
      seen.push(c);
      return c.toUpperCase();
    }, 10);
    expect([memo('ab'), memo('ab'), memo('cd'), memo('ab')]).toEqual(['AB', 'AB', 'CD', 'AB']);
    expect(seen).toEqual(['ab', 'cd']);
    // Past its bound it starts a new generation; answers stay right.
    for (const c of ['efgh', 'ijkl', 'mnop', 'ab']) expect(memo(c)).toBe(c.toUpperCase());
  });
});

function lengthOf(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function bigBytes(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
}
