// Each choice of the narrow segment format (migration 015) against a real node: one process per
// case, sealed by sealDay, then (a) every value read back bit for bit (floats by their IEEE-754
// bytes) and (b) the segment stored the way the case calls for (scaled or raw floats, page unit or
// not, no planes for a constant or a steady interval). The day is 5,000–7,000 days back, of its own.
import { Pool, PoolClient } from 'pg';
import { uniqueSuffix } from '@pa/testing';
import { withPgCredentialsOf } from '@pa/config';
import { DECODE_EITHER_FORMAT } from './compress.sql';
import { partitionOf, sealDay } from './day-compressor';

const SHARD_URL = withPgCredentialsOf((process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0]);
const DAY_MS = 86_400_000;
const MAX_INT8 = '9223372036854775807';

/** One process of the case: its per-sample values (text, so that int8 and float8 arrive exact). */
interface Case {
  pid: number;
  cpu: string[];
  mem: string[];
  rss: string[];
  vms: (string | null)[];
  threads: (string | null)[];
  io: (string | null)[];
  /** seconds after the hour of each sample */
  at: number[];
}

const steady = (n: number) => Array.from({ length: n }, (_, i) => i * 10);
const CASES: Record<string, Case> = {
  // the collector's own rounding: 2 decimals of cpu, 4 of mem, pages, a steady 10 s
  decimals: { pid: 1, cpu: ['0', '0.07', '12.34', '99.99', '1600', '0.1'], mem: ['0.0264', '1.5', '0.0001', '33.3333', '0', '100'], rss: ['4096', '8192', '0', '40960000', '8192', '4096'], vms: ['4096', null, '8192', '8192', null, '4096'], threads: ['1', '1', '1', '1', '1', '1'], io: ['0', '100', null, '250', '250', '1000000'], at: steady(6) },
  // one value that is no short decimal (0.1 + 0.2) sends that segment's cpu to raw floats
  notDecimal: { pid: 2, cpu: ['0.1', '0.2', '0.30000000000000004'], mem: ['1', '2', '3'], rss: ['4096', '4097', '4096'], vms: [null, null, null], threads: [null, '5', null], io: [null, null, null], at: [0, 7, 2999] },
  // -0 equals 0 but is another float: raw; so are subnormals, huge magnitudes, NaN and infinities
  negativeZero: { pid: 3, cpu: ['1.5', '-0', '2'], mem: ['5e-324', '2.2250738585072014e-308', '0'], rss: ['0', '0', '0'], vms: ['1', '2', '3'], threads: ['7', '7', '7'], io: ['5', '5', '5'], at: steady(3) },
  huge: { pid: 4, cpu: ['1e300', '-1e300', '1e9'], mem: ['NaN', 'Infinity', '-Infinity'], rss: [MAX_INT8, '0', MAX_INT8], vms: ['0', MAX_INT8, '0'], threads: ['2147483647', '-2147483648', '0'], io: [MAX_INT8, '0', '1'], at: [0, 1, 3599] },
  // negative decimals scale too; counters that go down; samples a microsecond apart
  negatives: { pid: 5, cpu: ['-12.5', '-0.01', '3'], mem: ['-1e-6', '0.000001', '-5'], rss: ['12288', '4096', '8192'], vms: ['8192', '4096', '0'], threads: ['3', '2', '1'], io: ['-5', '-100000000000', '7'], at: [0.000001, 0.000002, 0.000003] },
};

const READ_BACK = `
  SELECT pid, to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS ts, encode(float8send(cpu_pct), 'hex') AS cpu, encode(float8send(mem_pct), 'hex') AS mem,
         rss_bytes::text AS rss, vms_bytes::text AS vms, threads::text AS threads, io_read_bytes::text AS io
  FROM pa_read.process_samples WHERE machine_id = $1 AND ts >= $2 AND ts < $3 ORDER BY pid, ts`;

/** READ_BACK's value columns, each as its own statement would read it (migration 019 decodes only those). */
const COLUMNS: Record<string, string> = {
  cpu: "encode(float8send(cpu_pct), 'hex')", mem: "encode(float8send(mem_pct), 'hex')", rss: 'rss_bytes::text',
  vms: 'vms_bytes::text', threads: 'threads::text', io: 'io_read_bytes::text',
};

/** The same rows through the whole-segment decoders (pa_decode_segment_narrow, pa_decode_segment) that VERIFY checked before 019. */
const READ_WHOLE_SEGMENTS = `
  SELECT s.pid, to_char(d.ts AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS ts, encode(float8send(d.cpu_pct), 'hex') AS cpu, encode(float8send(d.mem_pct), 'hex') AS mem,
         d.rss_bytes::text AS rss, d.vms_bytes::text AS vms, d.threads::text AS threads, d.io_read_bytes::text AS io
  FROM process_segments s CROSS JOIN LATERAL (${DECODE_EITHER_FORMAT('s')}) d
  WHERE s.machine_id = $1 ORDER BY 1, 2`;

describe('the narrow segment format: every encoder choice decodes to exactly its input (real node)', () => {
  let pool: Pool;
  let client: PoolClient;
  const machine = `it-enc-${uniqueSuffix()}`;
  const dayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - (5000 + Math.floor(Math.random() * 2000)) * DAY_MS;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const window = [new Date(dayMs).toISOString(), new Date(dayMs + DAY_MS).toISOString()];

  beforeAll(async () => {
    pool = new Pool({ connectionString: SHARD_URL, max: 2 });
    client = await pool.connect();
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pa_ensure_day_partition($1::date)', [day]);
    for (const c of Object.values(CASES)) {
      await client.query(
        `INSERT INTO ${partitionOf(day)} (ts, machine_id, pid, name, cpu_pct, mem_pct, rss_bytes, vms_bytes, threads, io_read_bytes)
         SELECT $1::timestamptz + u.at * interval '1 second', $2, $3, 'case', u.cpu, u.mem, u.rss, u.vms, u.thr, u.io
         FROM unnest($4::float8[], $5::float8[], $6::float8[], $7::bigint[], $8::bigint[], $9::integer[], $10::bigint[])
              AS u(at, cpu, mem, rss, vms, thr, io)`,
        [window[0], machine, c.pid, c.at, c.cpu, c.mem, c.rss, c.vms, c.threads, c.io],
      );
    }
  });

  afterAll(async () => {
    await client.query('DELETE FROM process_segments WHERE machine_id = $1', [machine]);
    await client.query(`DELETE FROM ONLY ${partitionOf(day)} WHERE machine_id = $1`, [machine]);
    await client.query('DELETE FROM lifecycle_steps WHERE day = $1::date', [day]);
    client.release();
    await pool.end();
  });

  async function readBack(): Promise<unknown[]> {
    return (await client.query(READ_BACK, [machine, ...window])).rows;
  }

  async function formatOf(pid: number): Promise<Record<string, unknown>> {
    const { rows } = await client.query(
      `SELECT cpu_divisor, cpu_raw IS NOT NULL AS cpu_raw, mem_divisor, mem_raw IS NOT NULL AS mem_raw, rss_unit, vms_unit,
              ts_step_us::text, ts_planes IS NULL AS ts_steady, threads_planes IS NULL AS threads_constant,
              vms_base IS NULL AS vms_all_null, ts_delta_us IS NULL AS narrow
       FROM process_segments WHERE machine_id = $1 AND pid = $2`,
      [machine, pid],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('seals every case and reads each value back bit for bit, NULLs where they were', async () => {
    const before = await readBack();
    expect(before).toHaveLength(Object.values(CASES).reduce((n, c) => n + c.at.length, 0));
    const result = await sealDay(client, day, { atPoint: () => undefined, corrupt: false });
    expect(result.status).toBe('done');
    expect(await readBack()).toEqual(before);
  });

  it('decodes each column alone to the values of the whole row, and to what the whole-segment decoder gives', async () => {
    const rows = (await readBack()) as Record<string, unknown>[];
    expect(await client.query(READ_WHOLE_SEGMENTS, [machine]).then((r) => r.rows)).toEqual(rows);
    for (const [column, expression] of Object.entries(COLUMNS)) {
      const { rows: alone } = await client.query(
        `SELECT pid, to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS ts, ${expression} AS ${column}
         FROM pa_read.process_samples WHERE machine_id = $1 AND ts >= $2 AND ts < $3 ORDER BY pid, ts`,
        [machine, ...window],
      );
      expect(alone).toEqual(rows.map((r) => ({ pid: r.pid, ts: r.ts, [column]: r[column] })));
    }
  });

  it('stores short decimals as scaled integers, page multiples in pages, a steady interval as one step', async () => {
    expect(await formatOf(CASES.decimals.pid)).toEqual({
      cpu_divisor: 100, cpu_raw: false, mem_divisor: 10000, mem_raw: false, rss_unit: '4096', vms_unit: '4096',
      ts_step_us: '10000000', ts_steady: true, threads_constant: true, vms_all_null: false, narrow: true,
    });
  });

  it('falls back to raw floats for a value that is not a short decimal, -0, subnormals, huge values, NaN and infinities', async () => {
    expect(await formatOf(CASES.notDecimal.pid)).toMatchObject({ cpu_divisor: null, cpu_raw: true, mem_divisor: 1, mem_raw: false, rss_unit: '1', vms_all_null: true, ts_steady: false });
    expect(await formatOf(CASES.negativeZero.pid)).toMatchObject({ cpu_divisor: null, cpu_raw: true, mem_divisor: null, mem_raw: true, vms_unit: '1', threads_constant: true });
    expect(await formatOf(CASES.huge.pid)).toMatchObject({ cpu_divisor: null, cpu_raw: true, mem_divisor: null, mem_raw: true, rss_unit: '1' });
    expect(await formatOf(CASES.negatives.pid)).toMatchObject({ cpu_divisor: 100, mem_divisor: 1000000, ts_step_us: '1', ts_steady: true });
  });
});
