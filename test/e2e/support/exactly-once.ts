import { Pool } from 'pg';
import { ShardRouter } from '@pa/pg-shards';
import { router as testStackRouter } from './test-stack';

/** One stored snapshot: its ledger row and what process_samples holds for it. */
export interface StoredSnapshot {
  shard: number;
  machineId: string;
  tsMs: number;
  /** n_processes of the ledger row */
  declared: number;
  /** process rows stored for (machine, ts), and how many distinct pids among them */
  rows: number;
  pids: number;
}

// Process rows in either form: heap rows, and the lifecycle's compressed segments decoded (a sealed
// day holds its rows there; migration 013).
const SAMPLES = `(SELECT machine_id, ts, pid FROM process_samples WHERE machine_id LIKE $1
  UNION ALL SELECT machine_id, ts, pid FROM process_segment_rows WHERE machine_id LIKE $1)`;

const STORED = `
  SELECT s.machine_id, (extract(epoch FROM s.ts) * 1000)::bigint AS ts_ms, s.n_processes,
         count(p.pid)::int AS rows, count(DISTINCT p.pid)::int AS pids
  FROM snapshots s LEFT JOIN ${SAMPLES} p ON p.machine_id = s.machine_id AND p.ts = s.ts
  WHERE s.machine_id LIKE $1
  GROUP BY 1, 2, 3`;

// Process rows without a ledger row: a COPY that escaped its transaction.
const ORPHANS = `
  SELECT count(*)::int AS n FROM ${SAMPLES} p
  WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.machine_id = p.machine_id AND s.ts = p.ts)`;

/** Every snapshot of the machine prefix on every shard. */
export async function storedSnapshots(pools: Pool[], prefix: string): Promise<{ snapshots: StoredSnapshot[]; orphanRows: number }> {
  const perShard = await Promise.all(
    pools.map(async (pool, shard) => {
      const [stored, orphans] = await Promise.all([
        pool.query<{ machine_id: string; ts_ms: string; n_processes: number; rows: number; pids: number }>(STORED, [`${prefix}%`]),
        pool.query<{ n: number }>(ORPHANS, [`${prefix}%`]),
      ]);
      const snapshots = stored.rows.map((r) => ({
        shard,
        machineId: r.machine_id,
        tsMs: Number(r.ts_ms),
        declared: r.n_processes,
        rows: r.rows,
        pids: r.pids,
      }));
      return { snapshots, orphanRows: orphans.rows[0].n };
    }),
  );
  return { snapshots: perShard.flatMap((s) => s.snapshots), orphanRows: perShard.reduce((n, s) => n + s.orphanRows, 0) };
}

/** What is wrong with stored snapshots by themselves: rows missing or doubled, a snapshot on the wrong shard, rows without a ledger row. */
export function integrityProblems(stored: { snapshots: StoredSnapshot[]; orphanRows: number }, router: ShardRouter = testStackRouter): string[] {
  const problems: string[] = [];
  if (stored.orphanRows > 0) problems.push(`${stored.orphanRows} process rows without a ledger row`);
  const seen = new Set<string>();
  for (const s of stored.snapshots) {
    const key = `${s.machineId}|${s.tsMs}`;
    if (seen.has(key)) problems.push(`${key} stored twice`);
    seen.add(key);
    if (s.rows !== s.declared || s.pids !== s.declared) problems.push(`${key}: ${s.rows} rows / ${s.pids} pids, the ledger says ${s.declared}`);
    if (s.shard !== router.shardOf(s.machineId)) problems.push(`${key} on shard ${s.shard}, owner is ${router.shardOf(s.machineId)}`);
  }
  return problems;
}

/**
 * Compares what is stored for the prefix with `expected` (key `machine|tsMs` → process rows):
 * every expected snapshot present once, on the shard owning its machine, with all its rows once;
 * nothing else, except keys in `mayAlsoBe` (e.g. a POST answered 503 whose records Kafka took
 * after all). Returns the problems found (at most 10 named), or an empty list.
 */
export async function exactlyOnceProblems(
  pools: Pool[],
  prefix: string,
  expected: Map<string, number>,
  mayAlsoBe: Set<string> = new Set(),
  router: ShardRouter = testStackRouter,
): Promise<string[]> {
  const stored = await storedSnapshots(pools, prefix);
  const problems = integrityProblems(stored, router);
  const seen = new Set<string>();
  for (const s of stored.snapshots) {
    const key = `${s.machineId}|${s.tsMs}`;
    seen.add(key);
    const want = expected.get(key);
    if (want === undefined && !mayAlsoBe.has(key)) problems.push(`${key} stored but never accepted`);
    if (want !== undefined && s.declared !== want) problems.push(`${key}: ${s.declared} processes stored, ${want} accepted`);
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  if (missing.length) problems.push(`${missing.length} accepted snapshots missing, e.g. ${missing.slice(0, 3).join(', ')}`);
  return firstTen(problems);
}

export function firstTen(problems: string[]): string[] {
  return problems.length > 10 ? [...problems.slice(0, 10), `… ${problems.length - 10} more`] : problems;
}
