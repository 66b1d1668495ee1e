// Issue 14: what the contract accepts, a shard stores, and what it stores reads back equal.
// The validator's edge cases (a table, plus seeded random mixes of them) go through the real
// storage path (writeShardBatch: ledger, binary COPY) into a real shard node; every accepted
// snapshot is read back field by field, every refused one must have stored nothing.
import { withPgCredentialsOf } from '@pa/config';
import { Pool } from 'pg';
import { ProcessSample, ValidSnapshot, checkSnapshot, parseRfc3339 } from '@pa/contracts';
import { edgeSnapshots, uniqueSuffix } from '@pa/testing';
import { DayPartitions } from './partitions';
import { writeShardBatch } from './shard-batch.repository';


const SHARD_URL = withPgCredentialsOf((process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0]);
const NOW = Date.now();

interface StoredRow {
  machine_id: string;
  ts_ms: string;
  pid: string;
  ppid: string | null;
  name: string;
  username: string | null;
  cmdline: string | null;
  cpu_pct: number;
  mem_pct: number;
  rss_bytes: string;
  vms_bytes: string | null;
  threads: number | null;
  state: string | null;
  io_read_bytes: string | null;
  io_write_bytes: string | null;
  start_us: string | null;
}

const READ_BACK = `
  SELECT machine_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, pid, ppid, name, username, cmdline,
         cpu_pct, mem_pct, rss_bytes, vms_bytes, threads, state, io_read_bytes, io_write_bytes,
         (extract(epoch FROM start_time) * 1000000)::bigint AS start_us
  FROM process_samples WHERE machine_id = ANY($1)`;

describe('every snapshot the contract accepts is stored as sent (real shard)', () => {
  const pool = new Pool({ connectionString: SHARD_URL, max: 2 });
  const prefix = `rt-${uniqueSuffix()}`;
  const candidates = edgeSnapshots(prefix, NOW, 0x5eed14);
  // What reaches the validator in production went through JSON first.
  const checked = candidates.map((c) => ({ c, check: checkSnapshot(JSON.parse(JSON.stringify(c)), { nowMs: NOW }) }));
  const accepted = checked.flatMap(({ check }) => (check.ok ? [check.snapshot] : []));
  const refusedIds = checked.filter(({ check }) => !check.ok).map(({ c }) => c.machine_id);

  beforeAll(async () => {
    await new DayPartitions().ensure(0, pool, accepted.map((s) => s.tsMs));
    for (let i = 0; i < accepted.length; i += 50) await writeShardBatch(pool, accepted.slice(i, i + 50), 0, 1);
  });
  afterAll(() => pool.end());

  it('has edge cases on both sides of the contract', () => {
    expect(accepted.length).toBeGreaterThan(300);
    expect(refusedIds.length).toBeGreaterThan(50);
  });

  it('stores every process row of every accepted snapshot, each field equal to what was sent', async () => {
    const { rows } = await pool.query<StoredRow>(READ_BACK, [accepted.map((s) => s.machine_id)]);
    const stored = new Map<string, StoredRow[]>();
    for (const r of rows) stored.set(r.machine_id, [...(stored.get(r.machine_id) ?? []), r]);
    const mismatches = accepted.flatMap((s) => differences(s, stored.get(s.machine_id) ?? []));
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(rows.length).toBe(accepted.reduce((n, s) => n + s.processes.length, 0));
  });

  it('keeps the ledger row of every accepted snapshot, batch_id included (in lower case)', async () => {
    const { rows } = await pool.query<{ machine_id: string; batch_id: string | null; n_processes: number }>(
      'SELECT machine_id, batch_id::text, n_processes FROM snapshots WHERE machine_id = ANY($1)',
      [accepted.map((s) => s.machine_id)],
    );
    const byId = new Map(rows.map((r) => [r.machine_id, r]));
    const wrong = accepted.filter((s) => {
      const r = byId.get(s.machine_id);
      return !r || r.n_processes !== s.processes.length || r.batch_id !== (s.batch_id?.toLowerCase() ?? null);
    });
    expect(wrong.map((s) => s.machine_id)).toEqual([]);
  });

  it('stores nothing of what it refused', async () => {
    const { rows } = await pool.query('SELECT machine_id FROM snapshots WHERE machine_id = ANY($1)', [refusedIds]);
    expect(rows).toEqual([]);
  });
});

/**
 * Every field of `s` that did not come back as sent, as `machine/pid/field: sent → stored` lines.
 * Rows are matched as a multiset (sorted the same way on both sides): a heap keeps no order.
 */
function differences(s: ValidSnapshot, rows: StoredRow[]): string[] {
  if (rows.length !== s.processes.length) return [`${s.machine_id}: ${s.processes.length} processes sent, ${rows.length} stored`];
  const byContent = (a: StoredRow, b: StoredRow) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  const wanted = s.processes.map((p) => expectedRow(s, p)).sort(byContent);
  const got = [...rows].sort(byContent);
  return wanted.flatMap((want, i) =>
    (Object.keys(want) as (keyof StoredRow)[])
      .filter((k) => !Object.is(want[k], got[i][k]))
      .map((k) => `${s.machine_id}/${want.pid}/${k}: ${String(want[k]).slice(0, 40)} → ${String(got[i][k]).slice(0, 40)}`),
  );
}

/** The row a process should read back as (pg gives int8 as text, float8 as exact JS numbers). */
function expectedRow(s: ValidSnapshot, p: ProcessSample): StoredRow {
  const text = (v: number | undefined) => (v === undefined ? null : String(v));
  const start = p.start_time === undefined ? undefined : parseRfc3339(p.start_time);
  return {
    machine_id: s.machine_id,
    ts_ms: String(s.tsMs),
    pid: String(p.pid),
    ppid: text(p.ppid),
    name: p.name,
    username: p.username ?? null,
    cmdline: p.cmdline ?? null,
    cpu_pct: p.cpu_pct,
    mem_pct: p.mem_pct,
    rss_bytes: String(p.rss_bytes),
    vms_bytes: text(p.vms_bytes),
    threads: p.threads ?? null,
    state: p.state ?? null,
    io_read_bytes: text(p.io_read_bytes),
    io_write_bytes: text(p.io_write_bytes),
    start_us: start === undefined ? null : String(BigInt(start.ms) * 1000n + BigInt(start.us)),
  };
}
