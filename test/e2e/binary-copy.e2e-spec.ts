import { Pool, PoolClient } from 'pg';
import { ProcessSample, ValidSnapshot, checkSnapshot } from '@pa/contracts';
import { SAMPLE_COLUMNS, copyRows, sampleCopyChunks } from '@pa/pg-shards';
import { buildProcess } from '@pa/testing';
import { shardPools } from './support/test-stack';

/**
 * The writer's COPY BINARY rows against PostgreSQL's own text input of the same values: whatever the
 * contract accepts must be stored as the server would have parsed it from text (the writer used text
 * COPY before binary, and analysts query these values).
 */
describe('binary COPY stores what PostgreSQL would parse from text', () => {
  let pools: Pool[];
  let client: PoolClient;

  beforeAll(async () => {
    pools = shardPools();
    client = await pools[0].connect();
    await client.query('CREATE TEMP TABLE copied (LIKE process_samples)');
  });

  afterAll(async () => {
    client.release();
    await Promise.all(pools.map((p) => p.end()));
  });

  beforeEach(() => client.query('TRUNCATE copied'));

  /** Validates like the writer, then copies; returns the stored rows by pid. */
  async function copy(processes: ProcessSample[], ts = '2026-11-30T12:34:56.789+01:00'): Promise<Map<number, Record<string, unknown>>> {
    const check = checkSnapshot({ machine_id: 'e2e-binary-copy', ts, processes }, { nowMs: Date.parse('2026-12-01T00:00:00Z') });
    if (!check.ok) throw new Error(`invalid test snapshot: ${JSON.stringify(check.issues)}`);
    const copiedRows = await copyRows(client, 'copied', SAMPLE_COLUMNS, sampleCopyChunks([check.snapshot as ValidSnapshot]));
    expect(copiedRows).toBe(processes.length);
    const { rows } = await client.query('SELECT * FROM copied');
    return new Map(rows.map((r) => [Number(r.pid), r]));
  }

  it('stores start_time exactly as timestamptz text input, for every form the contract accepts', async () => {
    const times = [
      '2026-01-01T00:00:00Z', '2026-01-01t00:00:00z', '2026-01-01T00:00:00+02:00', '2026-01-01T00:00:00+02:30',
      '2026-01-01T00:00:00-15:59', '2026-01-01T00:00:00.1Z', '2026-01-01T00:00:00.123456Z', '2026-01-01T00:00:00.1234565Z',
      '2026-01-01T00:00:00.1234575Z', '2026-01-01T00:00:00.0000005Z', '2026-01-01T00:00:00.0000015Z', '2026-01-01T23:59:59.9999995Z',
      '2016-12-31T23:59:60Z', '2016-12-31T18:59:60.5-05:00', '2024-02-29T12:00:00+05:45', '1969-12-31T23:59:59.999999Z',
      '1900-01-01T00:00:00Z', '0001-01-01T00:00:00-01:00', '0099-06-15T08:00:00Z', '9999-12-31T23:59:59.999999Z',
      '2026-01-01T00:00:00-00:00', '2026-03-29T02:30:00+01:00',
    ];
    const stored = await copy(times.map((start_time, i) => buildProcess(i + 1, { start_time })));
    const { rows } = await client.query<{ pid: number; same: boolean; text: string }>(
      `SELECT c.pid::int AS pid, c.start_time = t.text::timestamptz AS same, t.text
         FROM copied c JOIN unnest($1::text[]) WITH ORDINALITY AS t(text, pid) ON t.pid = c.pid`,
      [times],
    );
    expect(rows.filter((r) => !r.same)).toEqual([]);
    expect(rows).toHaveLength(times.length);
    expect(stored.size).toBe(times.length);
  });

  it('stores ts at the millisecond, and text, numbers and nulls unchanged', async () => {
    const processes: ProcessSample[] = [
      buildProcess(1, { name: 'naïve ☃ 名前 😀', cmdline: 'a\\b\tc\nd\re "q" \\N', username: '', state: 'Z' }),
      { pid: 4_294_967_295, name: 'minimal', cpu_pct: 0, mem_pct: 100, rss_bytes: Number.MAX_SAFE_INTEGER },
      buildProcess(3, { cpu_pct: 0.1 + 0.2, mem_pct: 1e-300, vms_bytes: 2 ** 32, threads: 10_000_000, io_read_bytes: 0 }),
    ];
    const stored = await copy(processes);
    const { rows: [ts] } = await client.query(`SELECT bool_and(ts = '2026-11-30T11:34:56.789Z') AS ok FROM copied`);
    expect(ts.ok).toBe(true);
    const one = stored.get(1) as Record<string, unknown>;
    expect([one.name, one.cmdline, one.username, one.state]).toEqual([processes[0].name, processes[0].cmdline, '', 'Z']);
    const minimal = stored.get(4_294_967_295) as Record<string, unknown>;
    expect(minimal).toMatchObject({ ppid: null, username: null, cmdline: null, vms_bytes: null, threads: null, state: null, io_read_bytes: null, io_write_bytes: null, start_time: null });
    expect([minimal.cpu_pct, minimal.mem_pct, minimal.rss_bytes]).toEqual([0, 100, String(Number.MAX_SAFE_INTEGER)]);
    const three = stored.get(3) as Record<string, unknown>;
    expect([three.cpu_pct, three.mem_pct, three.vms_bytes, three.threads, three.io_read_bytes]).toEqual([0.30000000000000004, 1e-300, String(2 ** 32), 10_000_000, '0']);
  });
});
