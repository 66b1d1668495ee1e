import { Pool } from 'pg';
import { pollUntil } from '@pa/testing';

export type Resolution = 'minute' | 'hour' | 'day';
export const TABLE_SUFFIX: Record<Resolution, string> = { minute: '1m', hour: '1h', day: '1d' };

type Row = Record<string, unknown>;

// Ground truth straight from raw rows at the given width, by a different path than the
// summarizer's (which builds hours from minutes and days from hours).
const MACHINE_TRUTH = `
  WITH per_snapshot AS (
    SELECT s.machine_id, s.ts, count(p.pid) AS n,
           coalesce(sum(p.cpu_pct), 0) AS cpu, max(p.cpu_pct) AS cpu_max,
           coalesce(sum(p.mem_pct), 0) AS mem, max(p.mem_pct) AS mem_max,
           coalesce(sum(p.rss_bytes), 0) AS rss, max(p.rss_bytes) AS rss_max
    FROM snapshots s LEFT JOIN process_samples p ON p.machine_id = s.machine_id AND p.ts = s.ts
    WHERE s.machine_id LIKE $1 GROUP BY s.machine_id, s.ts)
  SELECT machine_id, date_trunc($2, ts, 'UTC') AS bucket, count(*)::int AS snapshots, sum(n)::bigint AS samples,
         sum(cpu) AS cpu_sum, max(cpu_max) AS cpu_max, max(cpu) AS cpu_total_max,
         sum(mem) AS mem_sum, max(mem_max) AS mem_max, max(mem) AS mem_total_max,
         sum(rss) AS rss_sum, max(rss_max) AS rss_max, max(rss) AS rss_total_max
  FROM per_snapshot GROUP BY 1, 2 ORDER BY 1, 2`;

const PROCESS_TRUTH = `
  SELECT machine_id, name, date_trunc($2, ts, 'UTC') AS bucket, count(*)::bigint AS samples,
         sum(cpu_pct) AS cpu_sum, min(cpu_pct) AS cpu_min, max(cpu_pct) AS cpu_max,
         sum(mem_pct) AS mem_sum, min(mem_pct) AS mem_min, max(mem_pct) AS mem_max,
         sum(rss_bytes) AS rss_sum, min(rss_bytes) AS rss_min, max(rss_bytes) AS rss_max,
         array_agg(DISTINCT pid ORDER BY pid) AS pids
  FROM process_samples WHERE machine_id LIKE $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/** Rows of one rollup table for a machine prefix, in key order. */
export async function rollupRows(pool: Pool, kind: 'machine' | 'process', resolution: Resolution, prefix: string): Promise<Row[]> {
  const order = kind === 'machine' ? 'machine_id, bucket' : 'machine_id, name, bucket';
  const { rows } = await pool.query(
    `SELECT * FROM ${kind}_rollup_${TABLE_SUFFIX[resolution]} WHERE machine_id LIKE $1 ORDER BY ${order}`,
    [`${prefix}%`],
  );
  return rows;
}

export async function truthRows(pool: Pool, kind: 'machine' | 'process', resolution: Resolution, prefix: string): Promise<Row[]> {
  const { rows } = await pool.query(kind === 'machine' ? MACHINE_TRUTH : PROCESS_TRUTH, [`${prefix}%`, resolution]);
  return rows;
}

/** Numbers compared to a relative 1e-9 (floating sums depend on order), everything else exactly. */
export function sameRows(actual: Row[], expected: Row[]): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} rows, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    for (const [column, want] of Object.entries(expected[i])) {
      const got = actual[i][column];
      if (!sameValue(got, want)) return `row ${i} ${column}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)} in ${JSON.stringify(expected[i])}`;
    }
  }
  return undefined;
}

function sameValue(got: unknown, want: unknown): boolean {
  if (want instanceof Date) return got instanceof Date && got.getTime() === want.getTime();
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => String(w) === String(got[i]));
  if (want === null || got === null) return want === got;
  const a = Number(got);
  const b = Number(want);
  if (typeof want === 'number' || (typeof want === 'string' && /^-?\d+(\.\d+)?$/.test(want))) {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return got === want;
}

/** Every rollup table of every shard equals the raw truth for the prefix; returns the first mismatch. */
export async function rollupMismatch(pools: Pool[], prefix: string): Promise<string | undefined> {
  let compared = 0;
  for (const [shard, pool] of pools.entries()) {
    for (const kind of ['machine', 'process'] as const) {
      for (const resolution of ['minute', 'hour', 'day'] as const) {
        const truth = await truthRows(pool, kind, resolution, prefix);
        const diff = sameRows(await rollupRows(pool, kind, resolution, prefix), truth);
        if (diff) return `shard ${shard} ${kind}_rollup_${TABLE_SUFFIX[resolution]}: ${diff}`;
        compared += truth.length;
      }
    }
  }
  return compared === 0 ? `no raw rows for ${prefix}: nothing was compared` : undefined;
}

/** Outbox rows still waiting for machines of the prefix, over all shards. */
export async function outboxDepth(pools: Pool[], prefix: string): Promise<number> {
  const counts = await Promise.all(
    pools.map(async (p) => Number((await p.query('SELECT count(*) AS n FROM rollup_outbox WHERE machine_id LIKE $1', [`${prefix}%`])).rows[0].n)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export async function waitOutboxEmpty(pools: Pool[], prefix: string, timeoutMs = 120_000): Promise<void> {
  await pollUntil(() => outboxDepth(pools, prefix), (n) => n === 0, { timeoutMs, what: `outbox of ${prefix} to empty` });
}

/** Fleet rollup buckets still waiting for their rebuild, over all shards (migration 017). */
export async function fleetOutboxDepth(pools: Pool[]): Promise<number> {
  const counts = await Promise.all(pools.map(async (p) => Number((await p.query('SELECT count(*) AS n FROM fleet_rollup_outbox')).rows[0].n)));
  return counts.reduce((a, b) => a + b, 0);
}

/** Waits until no shard has per-machine work (any machine) or fleet buckets left: every fleet row is rebuilt. */
export async function waitFleetRebuilt(pools: Pool[], timeoutMs = 120_000): Promise<void> {
  const pending = async () => {
    const outbox = await Promise.all(pools.map(async (p) => Number((await p.query('SELECT count(*) AS n FROM rollup_outbox')).rows[0].n)));
    return outbox.reduce((a, b) => a + b, 0) + (await fleetOutboxDepth(pools));
  };
  await pollUntil(pending, (n) => n === 0, { timeoutMs, what: 'every outbox and fleet outbox to empty' });
}

// Fleet truth from raw rows (heap and compressed alike) of every machine of the node, by bucket.
const FLEET_TRUTH = `
  SELECT name, date_trunc($1, ts, 'UTC') AS bucket, count(DISTINCT machine_id)::int AS machines, count(*)::bigint AS samples,
         sum(cpu_pct) AS cpu_sum, min(cpu_pct) AS cpu_min, max(cpu_pct) AS cpu_max,
         sum(mem_pct) AS mem_sum, min(mem_pct) AS mem_min, max(mem_pct) AS mem_max,
         sum(rss_bytes) AS rss_sum, min(rss_bytes) AS rss_min, max(rss_bytes) AS rss_max
  FROM pa_read.process_samples_between($2, $3) GROUP BY 1, 2 ORDER BY 2, 1`;

/**
 * Every fleet rollup row of every shard whose bucket lies in [fromMs, toMs) (widened to whole
 * days, so every level is compared over whole buckets) equals the raw truth of all machines of
 * the node; returns the first mismatch. Call after waitFleetRebuilt.
 */
export async function fleetMismatch(pools: Pool[], fromMs: number, toMs: number): Promise<string | undefined> {
  const DAY_MS = 86_400_000;
  const from = new Date(Math.floor(fromMs / DAY_MS) * DAY_MS);
  const to = new Date(Math.ceil(toMs / DAY_MS) * DAY_MS);
  let compared = 0;
  for (const [shard, pool] of pools.entries()) {
    for (const resolution of ['minute', 'hour', 'day'] as const) {
      const table = `process_fleet_rollup_${TABLE_SUFFIX[resolution]}`;
      const { rows: truth } = await pool.query(FLEET_TRUTH, [resolution, from, to]);
      const { rows } = await pool.query(
        `SELECT name, bucket, machines, samples, cpu_sum, cpu_min, cpu_max, mem_sum, mem_min, mem_max, rss_sum, rss_min, rss_max
         FROM ${table} WHERE bucket >= $1 AND bucket < $2 ORDER BY bucket, name`,
        [from, to],
      );
      const diff = sameRows(rows, truth);
      if (diff) return `shard ${shard} ${table}: ${diff}`;
      compared += truth.length;
    }
  }
  return compared === 0 ? 'no raw rows in the window: nothing was compared' : undefined;
}
