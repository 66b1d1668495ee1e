import { Pool } from 'pg';

export interface StatementStats {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  /** shards the statement ran on */
  shards: number[];
}

// pg_stat_statements keeps one entry per role: since every service has its own (issue 11), the
// same statement run by the writer and by a test as the owner is summed here, per node.
const TOP_STATEMENTS = `
  SELECT query, sum(calls)::bigint AS calls, sum(total_exec_time) AS total_ms, sum(rows)::bigint AS rows
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
  WHERE d.datname = current_database()
  GROUP BY query
  ORDER BY sum(total_exec_time) DESC LIMIT $1`;

/**
 * The statements that took the most time, merged across shards by normalized query text
 * (pg_stat_statements replaces constants with $n, so the same statement matches on every shard).
 * Throws when a shard lacks pg_stat_statements (it must be in shared_preload_libraries).
 */
export async function slowestStatements(pools: Pool[], limit: number): Promise<StatementStats[]> {
  const perShard = await Promise.all(pools.map((pool) => pool.query<{ query: string; calls: string; total_ms: number; rows: string }>(TOP_STATEMENTS, [limit * 4])));
  const merged = new Map<string, StatementStats>();
  perShard.forEach(({ rows }, shard) => {
    for (const r of rows) {
      const key = r.query.replace(/\s+/g, ' ').trim();
      const m = merged.get(key) ?? { query: key, calls: 0, totalMs: 0, meanMs: 0, rows: 0, shards: [] };
      m.calls += Number(r.calls);
      m.totalMs += r.total_ms;
      m.rows += Number(r.rows);
      if (!m.shards.includes(shard)) m.shards.push(shard);
      merged.set(key, m);
    }
  });
  const all = [...merged.values()].map((m) => ({ ...m, meanMs: m.calls ? m.totalMs / m.calls : 0 }));
  return all.sort((a, b) => b.totalMs - a.totalMs).slice(0, limit);
}
