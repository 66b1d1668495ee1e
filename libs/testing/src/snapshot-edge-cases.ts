import { DEFAULT_RETENTION_MS } from '@pa/contracts';
import { Prng } from './prng.util';

/** Values at the edges of each field of the contract (`ok`, accepted) and just beyond them (`bad`). */
const EDGE = {
  text: {
    ok: [
      'x', 'plain', ' ', 'tab\there', 'new\nline', 'cr\rlf', '"quoted"', 'back\\slash', "it's", '\u0001\u001f\u007f',
      'é', 'e\u0301', '日本語', '😀', '👩‍👩‍👧', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\u202eRTL', '\uffff\ufffe', '\ufeffBOM', '\u00a0nbsp',
      '%2F%00', '\\u0000', 'DROP TABLE snapshots; --', 'a'.repeat(256), '😀'.repeat(256),
    ],
    bad: ['a\u0000b', '\ud800', 'x\udfff', '\udbffy', '😀'.repeat(257), 'a'.repeat(257)],
  },
  cmdline: {
    // 'PGPASSWORD=x …' holds a secret: the gateway and the writer would store it as PGPASSWORD=********;
    // the round trip that uses these edges writes through the storage path below them (no scrubbing).
    ok: ['', '/usr/bin/x --flag', 'y'.repeat(32_768), 'PGPASSWORD=x psql -h db "a b"'],
    bad: ['y'.repeat(32_769), '\ud83d\ude00 \ud83d'],
  },
  cpu: {
    ok: [0, -0, 5e-324, 2.2250738585072014e-308, 1e-300, 0.1, 0.1 + 0.2, 1 / 3, 99.99999999999999, 100, 100.00000000000001, 99_999.99999999999, 100_000],
    bad: [100_000.00000000001, -5e-324, -1],
  },
  mem: { ok: [0, -0, 5e-324, 1e-300, 0.1, 0.1 + 0.2, 1 / 3, 99.99999999999999, 100], bad: [100.00000000000001, -1e-300] },
  integer: { ok: [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1], bad: [2 ** 32, 1.5, -1] },
  bytes: { ok: [0, 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1], bad: [2 ** 53, 0.5, -1] },
  threads: { ok: [0, 1, 2 ** 16, 10_000_000], bad: [10_000_001, 2.5] },
  startTime: {
    ok: [
      '2026-01-01T00:00:00Z', '2026-01-01t00:00:00z', '2016-12-31T23:59:60Z', '2016-12-31T18:59:60-05:00',
      '0001-01-01T00:00:00Z', '0001-01-01T00:00:00-15:59', '9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.9999994Z',
      '2026-06-01T12:00:00.123456789+15:59', '2026-06-01T12:00:00.0000005Z', '2026-06-01T12:00:00.0000015Z', '2026-06-01T12:00:00-00:00',
    ],
    bad: [
      '2026-01-01 00:00:00Z', '2026-01-01T00:00:00+0100', '2026-01-01T00:00:00+01', '0000-12-31T23:59:59Z',
      '0001-01-01T00:00:00+00:01', '9999-12-31T23:59:60Z', '9999-12-31T23:59:59.9999996Z', '2026-01-01T00:00:00+16:00',
      '2026-02-29T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T00:00:00.Z',
    ],
  },
  batchId: {
    ok: [undefined, '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '6BA7B810-9DAD-11D1-80B4-00C04FD430C8', '00000000-0000-0000-0000-000000000000'],
    bad: ['urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8', '{6ba7b810-9dad-11d1-80b4-00c04fd430c8}', '6ba7b8109dad11d180b400c04fd430c8', ''],
  },
  /** ts offsets from now, ms: the contract allows 5 minutes ahead and the raw retention (RETENTION_DAYS) back */
  tsOffsetMs: { ok: [0, -1, -999, 299_000, -DEFAULT_RETENTION_MS + 86_400_000], bad: [301_000, -DEFAULT_RETENTION_MS - 86_400_000] },
  tsFraction: ['', '.5', '.123', '.1234', '.999999999'],
} as const;

type Edges<T> = { readonly ok: readonly T[]; readonly bad: readonly T[] };
const both = <T>(e: Edges<T>): T[] => [...e.ok, ...e.bad];

/**
 * Snapshots built from the edge values: one per value of each field (the rest ordinary), then
 * `mixed` seeded random mixes of several edges at once. Machine ids are `prefix-N`, unique.
 * Some are valid, some not: the caller asks the validator, as the gateway and writer do.
 */
export function edgeSnapshots(prefix: string, nowMs: number, seed: number, mixed = 300): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (process: Record<string, unknown>, top: Record<string, unknown> = {}) => {
    out.push({ machine_id: `${prefix}-${out.length}`, ts: isoAt(nowMs - 60_000, ''), processes: [{ ...ORDINARY, ...process }], ...top });
  };
  for (const name of both(EDGE.text)) add({ name });
  for (const username of both(EDGE.text)) add({ username });
  for (const state of both(EDGE.text)) add({ state });
  for (const cmdline of [...both(EDGE.cmdline), ...both(EDGE.text)]) add({ cmdline });
  for (const cpu_pct of both(EDGE.cpu)) add({ cpu_pct });
  for (const mem_pct of both(EDGE.mem)) add({ mem_pct });
  for (const pid of both(EDGE.integer)) add({ pid, ppid: pid });
  for (const rss_bytes of both(EDGE.bytes)) add({ rss_bytes, vms_bytes: rss_bytes, io_read_bytes: rss_bytes, io_write_bytes: rss_bytes });
  for (const threads of both(EDGE.threads)) add({ threads });
  for (const start_time of both(EDGE.startTime)) add({ start_time });
  for (const batch_id of both(EDGE.batchId)) add({}, { batch_id });
  for (const offset of both(EDGE.tsOffsetMs)) for (const fraction of EDGE.tsFraction) add({}, { ts: isoAt(nowMs + offset, fraction) });
  add({}, { processes: [] });
  const prng = new Prng(`edge-${seed}`);
  for (let i = 0; i < mixed; i++) add({}, { processes: Array.from({ length: prng.int(1, 5) }, () => randomProcess(prng)) });
  return out;
}

const ORDINARY = { pid: 42, name: 'ordinary', cpu_pct: 1.5, mem_pct: 0.25, rss_bytes: 4096 };

/** A process of edge values, each field valid 49 times in 50: most mixes are accepted, some are not. */
function randomProcess(prng: Prng): Record<string, unknown> {
  const edge = <T>(e: Edges<T>) => (prng.next() < 0.02 ? prng.pick(e.bad) : prng.pick(e.ok));
  const maybe = <T>(e: Edges<T>) => (prng.next() < 0.4 ? undefined : edge(e));
  return {
    pid: edge(EDGE.integer),
    ppid: maybe(EDGE.integer),
    name: edge(EDGE.text),
    username: maybe(EDGE.text),
    cmdline: maybe(EDGE.cmdline),
    cpu_pct: edge(EDGE.cpu),
    mem_pct: edge(EDGE.mem),
    rss_bytes: edge(EDGE.bytes),
    vms_bytes: maybe(EDGE.bytes),
    threads: maybe(EDGE.threads),
    state: maybe(EDGE.text),
    io_read_bytes: maybe(EDGE.bytes),
    io_write_bytes: maybe(EDGE.bytes),
    start_time: maybe(EDGE.startTime),
  };
}

/** `ms` as RFC 3339 with the given fraction text in place of toISOString's milliseconds. */
function isoAt(ms: number, fraction: string): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `${fraction}Z`);
}
