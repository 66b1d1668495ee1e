// The point read (migrations 020 and 021, pa_read.process_samples_at) against a real node: for every
// instant of a day (each sample's, a microsecond either side, the hours' bounds) it returns exactly
// the rows of the full decoders at that instant (process_samples_between(at, at + 1 µs)), every
// column, floats by their IEEE-754 bytes. The day holds narrow segments sealed by sealDay (steady
// and irregular steps, NULLs, raw and scaled floats, pages), a first-format segment (migration 012)
// written as the old lifecycle wrote it, and heap rows of the next day. 5,000–7,000 days back.
// Migration 021 replaced 020's function: the same comparison, with differences of every width
// from 1 to 8 bytes (pids 3 and 7).
import { Pool, PoolClient } from 'pg';
import { uniqueSuffix } from '@pa/testing';
import { withPgCredentialsOf } from '@pa/config';
import { partitionOf, sealDay } from './day-compressor';

const SHARD_URL = withPgCredentialsOf((process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0]);
const DAY_MS = 86_400_000;
const MAX_INT8 = '9223372036854775807';

/** One process: its per-sample values (text, so that int8 and float8 arrive exact), seconds after the day's start. */
interface Case {
  pid: number;
  cpu: string[];
  mem: string[];
  rss: string[];
  vms: (string | null)[];
  threads: (string | null)[];
  io: (string | null)[];
  state: (string | null)[];
  at: number[];
}

const steady = (n: number, from = 0, step = 10) => Array.from({ length: n }, (_, i) => from + i * step);
const CASES: Case[] = [
  // scaled floats, pages, a steady 10 s, NULLs in vms and io
  { pid: 1, cpu: ['0', '0.07', '12.34', '99.99', '1600', '0.1'], mem: ['0.0264', '1.5', '0.0001', '33.3333', '0', '100'], rss: ['4096', '8192', '0', '40960000', '8192', '4096'], vms: ['4096', null, '8192', '8192', null, '4096'], threads: ['1', '1', '1', '1', '1', '1'], io: ['0', '100', null, '250', '250', '1000000'], state: ['R', 'S', null, 'S', 'S', 'Z'], at: steady(6) },
  // irregular steps, raw cpu, a NULL first and last
  { pid: 2, cpu: ['0.1', '0.2', '0.30000000000000004', '7'], mem: ['1', '2', '3', '4'], rss: ['4096', '4097', '4096', '1'], vms: [null, '9', '10', null], threads: [null, '5', null, '6'], io: [null, null, '3', null], state: [null, null, null, null], at: [0, 7, 2999, 3599] },
  // -0, subnormals, NaN, infinities, int8 extremes, a steady 1 s over two hours
  { pid: 3, cpu: ['1e300', '-1e300', '1e9', '-0'], mem: ['NaN', 'Infinity', '-Infinity', '5e-324'], rss: [MAX_INT8, '0', MAX_INT8, '0'], vms: ['0', MAX_INT8, '0', '1'], threads: ['2147483647', '-2147483648', '0', '1'], io: [MAX_INT8, '0', '1', '-5'], state: ['D', 'D', 'D', 'D'], at: steady(4, 3598, 1) },
  // samples a microsecond apart, constants (no planes)
  { pid: 4, cpu: ['3', '3', '3'], mem: ['-5', '-5', '-5'], rss: ['12288', '12288', '12288'], vms: ['8192', '8192', '8192'], threads: ['2', '2', '2'], io: ['7', '7', '7'], state: ['S', 'S', 'S'], at: [0.000001, 0.000002, 0.000003] },
  // one sample alone in its hour; a long steady run sharing instants with pid 1
  { pid: 5, cpu: ['42.5'], mem: ['0.5'], rss: ['4096'], vms: [null], threads: [null], io: [null], state: [null], at: [7200] },
  // differences of 4 to 7 bytes (migration 021 reads widths 1-3 each its own way, 4-8 through 8 slices)
  { pid: 7, cpu: ['0', '123456.78', '0.01', '99999.99'], mem: ['0.5', '0.25', '0.125', '0.0625'], rss: ['4096', '4398046511104', '4096', '17592186044416'], vms: ['1', '1099511627776', '3', null], threads: ['1', '5000000', '2', '16000000'], io: ['0', '281474976710656', '5', '1'], state: ['R', 'R', 'S', 'S'], at: steady(4, 20) },
  { pid: 6, cpu: steady(40).map((v) => (v / 100).toString()), mem: steady(40).map(() => '1.25'), rss: steady(40).map((v) => (v * 4096).toString()), vms: steady(40).map((v, i) => (i % 3 ? (v * 7).toString() : null)), threads: steady(40).map((_, i) => (i % 5).toString()), io: steady(40).map((v, i) => (i % 7 ? v.toString() : null)), state: steady(40).map((_, i) => (i % 2 ? 'R' : null)), at: steady(40) },
];

const COLUMNS = `pid, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts, ppid, name, username, cmdline,
  encode(float8send(cpu_pct), 'hex') AS cpu, encode(float8send(mem_pct), 'hex') AS mem, rss_bytes::text AS rss, vms_bytes::text AS vms,
  threads::text AS threads, state, io_read_bytes::text AS io_read, io_write_bytes::text AS io_write, start_time::text AS start_time`;
const POINT = `SELECT ${COLUMNS} FROM pa_read.process_samples_at($2::timestamptz) WHERE machine_id = $1 ORDER BY pid`;
const FULL = `SELECT ${COLUMNS} FROM pa_read.process_samples_between($2::timestamptz, $2::timestamptz + interval '1 microsecond') WHERE machine_id = $1 ORDER BY pid`;

describe('the point read: process_samples_at equals the full decoders at every instant (real node)', () => {
  let pool: Pool;
  let client: PoolClient;
  const machine = `it-point-${uniqueSuffix()}`;
  const dayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - (5000 + Math.floor(Math.random() * 2000)) * DAY_MS;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const nextDay = new Date(dayMs + DAY_MS).toISOString().slice(0, 10);
  const iso = (ms: number) => new Date(ms).toISOString();

  async function insertCases(onDay: string, startMs: number, cases: Case[]): Promise<void> {
    for (const c of cases) {
      await client.query(
        `INSERT INTO ${partitionOf(onDay)} (ts, machine_id, pid, ppid, name, username, cmdline, cpu_pct, mem_pct, rss_bytes, vms_bytes, threads, state,
                                            io_read_bytes, io_write_bytes, start_time)
         SELECT $1::timestamptz + u.at * interval '1 second', $2, $3::bigint, 1, 'case', 'user', 'cmd --case ' || $3::bigint, u.cpu, u.mem, u.rss, u.vms, u.thr, u.st,
                u.io, u.io, $1::timestamptz - interval '1 day'
         FROM unnest($4::float8[], $5::float8[], $6::float8[], $7::bigint[], $8::bigint[], $9::integer[], $10::bigint[], $11::text[])
              AS u(at, cpu, mem, rss, vms, thr, io, st)`,
        [iso(startMs), machine, c.pid, c.at, c.cpu, c.mem, c.rss, c.vms, c.threads, c.io, c.state],
      );
    }
  }

  beforeAll(async () => {
    pool = new Pool({ connectionString: SHARD_URL, max: 2 });
    client = await pool.connect();
    await client.query('SET statement_timeout = 0');
    for (const d of [day, nextDay]) await client.query('SELECT pa_ensure_day_partition($1::date)', [d]);
    await insertCases(day, dayMs, CASES);
    const result = await sealDay(client, day, { atPoint: () => undefined, corrupt: false });
    expect(result.status).toBe('done');
    // A segment of the first format (migration 012), hour 5: irregular times, NULL deltas, raw floats.
    await client.query(
      `INSERT INTO process_segments (hour, machine_id, pid, ppid, name, username, samples, ts_first, ts_last, cpu_sum, cpu_min, cpu_max,
                                     mem_sum, mem_min, mem_max, rss_sum, rss_min, rss_max, ts_delta_us, cpu_pct, mem_pct, rss_delta,
                                     vms_delta, threads, state, io_read_delta, io_write_delta)
       VALUES ($1::timestamptz, $2, 100, 1, 'old', NULL, 4, $1::timestamptz + interval '1 second', $1::timestamptz + interval '3000 seconds',
               0, 0, 0, 0, 0, 0, 0, 0, 0, '{1000000,10000000,2000000,2987000000}', '{0.5,0.30000000000000004,1e-300,-0}', '{1,2,3,4}',
               '{100,50,-30,0}', '{10,NULL,20,10}', '{1,NULL,3,4}', '{R,NULL,S,Z}', '{NULL,5,2,NULL}', '{1,1,1,1}')`,
      [iso(dayMs + 5 * 3_600_000), machine],
    );
    // Heap rows the next day (not sealed): the point read's heap side.
    await insertCases(nextDay, dayMs + DAY_MS, [CASES[0], CASES[1]]);
  });

  afterAll(async () => {
    await client.query('DELETE FROM process_segments WHERE machine_id = $1', [machine]);
    for (const d of [day, nextDay]) await client.query(`DELETE FROM ONLY ${partitionOf(d)} WHERE machine_id = $1`, [machine]);
    await client.query('DELETE FROM lifecycle_steps WHERE day = $1::date', [day]);
    client.release();
    await pool.end();
  });

  it('holds both segment formats and heap rows', async () => {
    const { rows } = await client.query(
      `SELECT count(*) FILTER (WHERE ts_base_us IS NOT NULL)::int AS narrow, count(*) FILTER (WHERE ts_base_us IS NULL)::int AS first,
              count(*) FILTER (WHERE ts_planes IS NOT NULL)::int AS irregular
       FROM process_segments WHERE machine_id = $1`,
      [machine],
    );
    expect(rows[0].first).toBe(1);
    expect(rows[0].narrow).toBeGreaterThanOrEqual(CASES.length);
    expect(rows[0].irregular).toBeGreaterThanOrEqual(1);
    const heap = await client.query(`SELECT count(*)::int AS n FROM ONLY ${partitionOf(nextDay)} WHERE machine_id = $1`, [machine]);
    expect(heap.rows[0].n).toBe(CASES[0].at.length + CASES[1].at.length);
  });

  it('returns the full decoders\' rows at every sample instant, a microsecond either side and the hours\' bounds', async () => {
    const { rows: instants } = await client.query<{ at: string }>(
      `SELECT DISTINCT to_char((ts + d) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
       FROM pa_read.process_samples_between($2::timestamptz, $3::timestamptz),
            unnest(ARRAY[interval '0', interval '1 microsecond', interval '-1 microsecond']) AS d
       WHERE machine_id = $1
       UNION
       SELECT to_char(h AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM generate_series($2::timestamptz, $3::timestamptz, interval '1 hour') AS h
       ORDER BY 1`,
      [machine, iso(dayMs), iso(dayMs + 2 * DAY_MS)],
    );
    expect(instants.length).toBeGreaterThan(150);
    let matched = 0;
    for (const { at } of instants) {
      const full = (await client.query(FULL, [machine, at])).rows;
      const point = (await client.query(POINT, [machine, at])).rows;
      expect({ at, rows: point }).toEqual({ at, rows: full });
      matched += full.length;
    }
    // every sample was found once at its own instant: 2 days' rows
    const total = CASES.reduce((n, c) => n + c.at.length, 0) + 4 + CASES[0].at.length + CASES[1].at.length;
    expect(matched).toBe(total);
  });
});
