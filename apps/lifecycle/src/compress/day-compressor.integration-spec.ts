// The segment encoding against a real node: rows with every edge a column can hold go through
// sealDay and come back bit for bit (floats by their IEEE-754 bytes, text by its UTF-8 bytes).
// Rows are inserted straight into a day partition of their own, 3,000–5,000 days back, so nothing
// of another suite on the same node is in that day.
import { Pool, PoolClient } from 'pg';
import { uniqueSuffix } from '@pa/testing';
import { partitionOf, sealDay } from './day-compressor';
import { withPgCredentialsOf } from '@pa/config';

const SHARD_URL = withPgCredentialsOf((process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0]);
const DAY_MS = 86_400_000;

// Beyond the contract (NaN, infinities, 1e300) too: the storage takes them. Not the largest double:
// the summary sums would overflow (PostgreSQL raises on a finite sum that overflows).
const FLOATS = ['-0', '0', '5e-324', '2.2250738585072014e-308', '1e300', 'NaN', 'Infinity', '-Infinity', '0.30000000000000004', '12.34'];
const TEXTS = ['naïve 日本語 🎉', 'e\u0301 (combining)', '"quoted" \\back\\ \ttab\nnewline', 'x'.repeat(32_768), ''];

/** The rows of `machine` in the day, one text per row: floats as hex bytes, text as hex UTF-8, NULLs marked. */
const READ_BACK = `
  SELECT concat_ws('|', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), machine_id, pid, coalesce(ppid::text, 'NULL'),
    encode(convert_to(name, 'UTF8'), 'hex'), coalesce(encode(convert_to(username, 'UTF8'), 'hex'), 'NULL'),
    coalesce(encode(convert_to(cmdline, 'UTF8'), 'hex'), 'NULL'), encode(float8send(cpu_pct), 'hex'), encode(float8send(mem_pct), 'hex'),
    rss_bytes, coalesce(vms_bytes::text, 'NULL'), coalesce(threads::text, 'NULL'), coalesce(state, 'NULL'),
    coalesce(io_read_bytes::text, 'NULL'), coalesce(io_write_bytes::text, 'NULL'),
    coalesce(to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), 'NULL')) AS r
  FROM pa_read.process_samples WHERE machine_id = $1 AND ts >= $2 AND ts < $3 ORDER BY 1`;

describe('sealDay: the compressed form decodes to exactly the rows it replaced (real node)', () => {
  let pool: Pool;
  let client: PoolClient;
  const machine = `it-seal-${uniqueSuffix()}`;
  const dayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - (3000 + Math.floor(Math.random() * 2000)) * DAY_MS;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const window = [new Date(dayMs).toISOString(), new Date(dayMs + DAY_MS).toISOString()];
  const hooks = { atPoint: () => undefined, corrupt: false };

  beforeAll(async () => {
    pool = new Pool({ connectionString: SHARD_URL, max: 2 });
    client = await pool.connect();
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pa_ensure_day_partition($1::date)', [day]);
  });

  afterAll(async () => {
    await client.query('DELETE FROM process_segments WHERE machine_id = $1', [machine]);
    await client.query(`DELETE FROM ONLY ${partitionOf(day)} WHERE machine_id = $1`, [machine]);
    await client.query('DELETE FROM lifecycle_steps WHERE day = $1::date', [day]);
    client.release();
    await pool.end();
  });

  async function insertEdges(): Promise<void> {
    // Several hours, several pids, NULLs coming and going inside one segment, counters that go
    // down as well as up, samples at microsecond offsets, two rows at one instant.
    await client.query(
      `INSERT INTO ${partitionOf(day)} (ts, machine_id, pid, ppid, name, username, cmdline, cpu_pct, mem_pct, rss_bytes,
         vms_bytes, threads, state, io_read_bytes, io_write_bytes, start_time)
       SELECT $1::timestamptz + (i * 7919 % 86400) * interval '1 second' + (i % 3) * interval '1 microsecond',
              $2, 100 + i % 4, CASE WHEN i % 5 = 0 THEN NULL ELSE 1 END, 'proc-' || (i % 2), CASE WHEN i % 7 = 0 THEN NULL ELSE 'üser' END,
              CASE WHEN i % 6 = 0 THEN NULL ELSE ($3::text[])[1 + i % cardinality($3::text[])] END,
              ($4::float8[])[1 + i % cardinality($4::float8[])], ($4::float8[])[1 + (i * 3) % cardinality($4::float8[])],
              CASE WHEN i % 2 = 0 THEN 9007199254740991 - i ELSE i END,
              CASE WHEN i % 4 = 1 THEN NULL ELSE 4096 * (i % 13) END, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 3 END,
              CASE WHEN i % 8 = 0 THEN NULL ELSE (ARRAY['S', 'R', 'D', 'Ünïcode'])[1 + i % 4] END,
              CASE WHEN i % 3 = 0 THEN NULL ELSE (i * 104729) % 1000003 END, CASE WHEN i % 11 = 0 THEN NULL ELSE -i END,
              CASE WHEN i % 10 = 0 THEN NULL ELSE '2020-01-01T00:00:00.123456Z'::timestamptz END
       FROM generate_series(0, 1999) AS i`,
      [window[0], machine, TEXTS, FLOATS],
    );
    // Two rows at one instant of one process (the contract does not forbid duplicate pids in a snapshot).
    await client.query(`INSERT INTO ${partitionOf(day)} (ts, machine_id, pid, name, cpu_pct, mem_pct, rss_bytes) VALUES ($1, $2, 1, 'twin', 1, 2, 3), ($1, $2, 1, 'twin', 4, 5, 6)`, [
      new Date(dayMs + 3_600_000).toISOString(),
      machine,
    ]);
  }

  async function rows(): Promise<string[]> {
    return (await client.query<{ r: string }>(READ_BACK, [machine, ...window])).rows.map((x) => x.r);
  }

  it('first compression, then late rows merged: bit for bit, byte for byte, nothing left in the heap', async () => {
    await insertEdges();
    const before = await rows();
    expect(before).toHaveLength(2002);
    const first = await sealDay(client, day, hooks);
    expect(first).toMatchObject({ status: 'done', oldSegments: 0 });
    expect(first.heapRows).toBeGreaterThanOrEqual(2002);
    expect(await rows()).toEqual(before);
    expect(Number((await client.query(`SELECT count(*) AS n FROM ONLY ${partitionOf(day)} WHERE machine_id = $1`, [machine])).rows[0].n)).toBe(0);

    await insertEdges(); // the same rows again, late: a merge keeps both copies (the ledger, not the segments, deduplicates)
    const merged = await sealDay(client, day, hooks);
    expect(merged.status).toBe('done');
    expect(merged.oldSegments).toBeGreaterThan(0);
    expect(await rows()).toEqual([...before, ...before].sort());
  });

  it('a damaged rewrite fails verification: rolled back, heap kept, the reason recorded', async () => {
    await client.query(`INSERT INTO ${partitionOf(day)} (ts, machine_id, pid, name, cpu_pct, mem_pct, rss_bytes) VALUES ($1, $2, 5, 'late', 1, 2, 3)`, [
      new Date(dayMs + 7_200_000).toISOString(),
      machine,
    ]);
    const before = await rows();
    const result = await sealDay(client, day, { ...hooks, corrupt: true });
    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/verification failed for \d+ machine-hours.*checksums differ/);
    expect(await rows()).toEqual(before);
    const step = (await client.query(`SELECT status, detail FROM lifecycle_steps WHERE day = $1 AND step = 'compress'`, [day])).rows[0];
    expect(step.status).toBe('failed');
    expect(step.detail).toMatch(/verification failed/);
  });
});
