import { Pool } from 'pg';

/** Row counts of one machine prefix per shard: [snapshots, process rows]. */
export async function countsByShard(pools: Pool[], machinePrefix: string): Promise<{ snapshots: number; rows: number }[]> {
  return Promise.all(
    pools.map(async (pool) => {
      const { rows } = await pool.query<{ snapshots: string; rows: string }>(
        `SELECT (SELECT count(*) FROM snapshots WHERE machine_id LIKE $1) AS snapshots,
                (SELECT count(*) FROM process_samples WHERE machine_id LIKE $1) AS rows`,
        [`${machinePrefix}%`],
      );
      return { snapshots: Number(rows[0].snapshots), rows: Number(rows[0].rows) };
    }),
  );
}

/** Process rows that appear more than once (same machine, instant and pid), over all shards. */
export async function duplicateRows(pools: Pool[], machinePrefix: string): Promise<number> {
  const counts = await Promise.all(
    pools.map(async (pool) => {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM process_samples WHERE machine_id LIKE $1
           GROUP BY machine_id, ts, pid HAVING count(*) > 1) d`,
        [`${machinePrefix}%`],
      );
      return Number(rows[0].n);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export function total(counts: { snapshots: number; rows: number }[]): { snapshots: number; rows: number } {
  return counts.reduce((a, c) => ({ snapshots: a.snapshots + c.snapshots, rows: a.rows + c.rows }), { snapshots: 0, rows: 0 });
}
