import { Pool } from 'pg';

// Ground truth for the query API straight from raw rows on every shard, by another path than the
// API's (no rollups, no outbox; buckets by integer arithmetic instead of date_bin). Shards are
// combined here by plain addition.

export type Metric = 'cpu_pct' | 'mem_pct' | 'rss_bytes';
export interface Window {
  from: number;
  to: number;
}

const METRIC_SQL: Record<Metric, string> = { cpu_pct: 'cpu_pct', mem_pct: 'mem_pct', rss_bytes: 'rss_bytes' };
const iso = (ms: number) => new Date(ms).toISOString();

export interface Group {
  key: string;
  sum: number;
  count: number;
  avg: number;
  max: number;
}

/** Every group of the fleet (or of the machines under `prefix`) over the window (by process name or machine), ranked like the API. */
export async function topTruth(pools: Pool[], w: Window, metric: Metric, by: 'process' | 'machine', order: 'sum' | 'avg' | 'max', prefix = ''): Promise<Group[]> {
  const key = by === 'process' ? 'name' : 'machine_id';
  const m = METRIC_SQL[metric];
  const sql = `SELECT ${key} AS key, sum(${m})::text AS sum, count(*)::int AS count, max(${m})::float8 AS max
    FROM process_samples WHERE ts >= $1 AND ts < $2 AND starts_with(machine_id, $3) GROUP BY 1`;
  const groups = new Map<string, { sum: bigint | number; count: number; max: number }>();
  for (const pool of pools) {
    for (const row of (await pool.query(sql, [iso(w.from), iso(w.to), prefix])).rows) {
      const sum = metric === 'rss_bytes' ? BigInt(row.sum) : Number(row.sum);
      const seen = groups.get(row.key);
      if (!seen) groups.set(row.key, { sum, count: row.count, max: row.max });
      else groups.set(row.key, { sum: (seen.sum as number) + (sum as number), count: seen.count + row.count, max: Math.max(seen.max, row.max) });
    }
  }
  const items = [...groups].map(([k, g]) => ({ key: k, sum: Number(g.sum), count: g.count, avg: Number(g.sum) / g.count, max: g.max }));
  return items.sort((a, b) => b[order] - a[order] || (a.key < b.key ? -1 : 1));
}

export interface TruthPoint {
  t: string;
  sum: number;
  count: number;
  max: number | null;
  snapshots?: number;
}

/** Per step bucket (multiples of the step since the epoch) over the samples matching `where`. */
async function seriesTruth(pools: Pool[], w: Window, metric: Metric, stepMs: number, filter: { machine?: string; name?: string }, withSnapshots: boolean): Promise<TruthPoint[]> {
  const m = METRIC_SQL[metric];
  const bucket = `(floor(extract(epoch FROM ts) * 1000 / $3) * $3)::bigint`;
  const conditions = ['ts >= $1', 'ts < $2', '($4::text IS NULL OR machine_id = $4)'];
  const sampleConditions = [...conditions, '($5::text IS NULL OR name = $5)'];
  const params = [iso(w.from), iso(w.to), stepMs, filter.machine ?? null, filter.name ?? null];
  const points = new Map<number, TruthPoint & { sumExact: bigint | number }>();
  const point = (t: number) => {
    let p = points.get(t);
    if (!p) points.set(t, (p = { t: iso(t), sum: 0, sumExact: metric === 'rss_bytes' ? 0n : 0, count: 0, max: null, ...(withSnapshots ? { snapshots: 0 } : {}) }));
    return p;
  };
  for (const pool of pools) {
    const samples = await pool.query(
      `SELECT ${bucket} AS t, sum(${m})::text AS sum, count(*)::int AS count, max(${m})::float8 AS max
       FROM process_samples WHERE ${sampleConditions.join(' AND ')} GROUP BY 1`,
      params,
    );
    for (const row of samples.rows) {
      const p = point(Number(row.t));
      p.sumExact = typeof p.sumExact === 'bigint' ? p.sumExact + BigInt(row.sum) : p.sumExact + Number(row.sum);
      p.count += row.count;
      p.max = p.max === null ? row.max : Math.max(p.max, row.max);
    }
    if (!withSnapshots) continue;
    const snaps = await pool.query(
      `SELECT ${bucket} AS t, count(*)::int AS n FROM snapshots WHERE ${conditions.join(' AND ')} AND $5::text IS NULL GROUP BY 1`,
      params,
    );
    for (const row of snaps.rows) {
      const p = point(Number(row.t));
      p.snapshots = (p.snapshots ?? 0) + row.n;
    }
  }
  return [...points.values()].sort((a, b) => Date.parse(a.t) - Date.parse(b.t)).map(({ sumExact, ...p }) => ({ ...p, sum: Number(sumExact) }));
}

export function machineSeriesTruth(pools: Pool[], machine: string, w: Window, metric: Metric, stepMs: number): Promise<TruthPoint[]> {
  return seriesTruth(pools, w, metric, stepMs, { machine }, true);
}

export function processSeriesTruth(pools: Pool[], name: string, w: Window, metric: Metric, stepMs: number, machine?: string): Promise<TruthPoint[]> {
  return seriesTruth(pools, w, metric, stepMs, { name, machine }, false);
}

/** Per machine over one UTC day, as /v1/summary/daily defines it. */
export async function dailyTruth(pools: Pool[], dayMs: number, machine?: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const pool of pools) {
    const result = await pool.query(
      `SELECT machine_id, count(*)::int AS samples, count(DISTINCT (name, pid))::int AS distinct_processes,
              avg(cpu_pct) AS avg_cpu_pct, avg(mem_pct) AS avg_mem_pct, max(cpu_pct) AS max_cpu_pct, max(mem_pct) AS max_mem_pct
       FROM process_samples WHERE ts >= $1 AND ts < $2 AND ($3::text IS NULL OR machine_id = $3) GROUP BY machine_id`,
      [iso(dayMs), iso(dayMs + 86_400_000), machine ?? null],
    );
    rows.push(...result.rows.map((r) => ({ ...r, date: iso(dayMs).slice(0, 10) })));
  }
  return rows.sort((a, b) => ((a.machine_id as string) < (b.machine_id as string) ? -1 : 1));
}

/** Machines with the prefix and the totals of their latest snapshot. */
export async function machinesTruth(pools: Pool[], prefix: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const pool of pools) {
    const result = await pool.query(
      `WITH latest AS (SELECT DISTINCT ON (machine_id) machine_id, ts, n_processes FROM snapshots
                       WHERE starts_with(machine_id, $1) ORDER BY machine_id, ts DESC)
       SELECT l.machine_id, l.ts, l.n_processes AS processes,
              coalesce(sum(p.cpu_pct), 0)::float8 AS cpu_pct, coalesce(sum(p.mem_pct), 0)::float8 AS mem_pct
       FROM latest l LEFT JOIN process_samples p ON p.machine_id = l.machine_id AND p.ts = l.ts
       GROUP BY 1, 2, 3`,
      [prefix],
    );
    rows.push(...result.rows.map((r) => ({ machine_id: r.machine_id, last_seen: (r.ts as Date).toISOString(), processes: r.processes, cpu_pct: r.cpu_pct, mem_pct: r.mem_pct })));
  }
  return rows.sort((a, b) => ((a.machine_id as string) < (b.machine_id as string) ? -1 : 1));
}

/** The snapshot of a machine at or before `at`, processes by cpu_pct descending then pid. */
export async function snapshotTruth(pools: Pool[], machine: string, atMs: number): Promise<{ ts: string; pids: number[] } | undefined> {
  for (const pool of pools) {
    const { rows } = await pool.query('SELECT max(ts) AS ts FROM snapshots WHERE machine_id = $1 AND ts <= $2', [machine, iso(atMs)]);
    if (!rows[0].ts) continue;
    const processes = await pool.query('SELECT pid FROM process_samples WHERE machine_id = $1 AND ts = $2 ORDER BY cpu_pct DESC, pid', [machine, rows[0].ts]);
    return { ts: (rows[0].ts as Date).toISOString(), pids: processes.rows.map((r) => Number(r.pid)) };
  }
  return undefined;
}
