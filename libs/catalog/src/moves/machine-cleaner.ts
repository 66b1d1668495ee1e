import { Pool } from 'pg';

const MACHINES_PER_DELETE = 20;
const MACHINE_ROLLUP_TABLES = ['machine_rollup_1m', 'machine_rollup_1h', 'machine_rollup_1d'];
const PROCESS_ROLLUP_LEVELS = ['1m', '1h', '1d'];

/**
 * Deletes the machines' process rollups of one level and, in the same statement, marks the fleet
 * buckets they were part of (migration 017): the node's fleet rows still count the machines until
 * the summarizer rebuilds those buckets, and readers fall back to per-machine rows meanwhile.
 */
function deleteProcessRollups(level: string): string {
  return `WITH gone AS (DELETE FROM public.process_rollup_${level} WHERE machine_id = ANY($1) RETURNING bucket)
    INSERT INTO public.fleet_rollup_outbox (level, bucket) SELECT DISTINCT '${level}', bucket FROM gone`;
}

/**
 * Deletes everything a node holds of `machines` (after a move switched them away, or on the
 * target of an aborted move), compressed segments included, in short transactions: a day partition and a few machines at a
 * time, raw rows first and the ledger and directory last, so a run killed midway leaves work the
 * next run finds. Readers leave these rows out already (stale ranges): nothing visible changes.
 * Returns the process rows deleted.
 */
export async function deleteMachines(pool: Pool, machines: string[], onProgress: (rows: number) => void = () => undefined): Promise<number> {
  const { rows: partitions } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.process_samples'::regclass ORDER BY 1`,
  );
  let deleted = 0;
  for (let i = 0; i < machines.length; i += MACHINES_PER_DELETE) {
    const group = machines.slice(i, i + MACHINES_PER_DELETE);
    for (const { name } of partitions) {
      const result = await pool.query(`DELETE FROM public."${name}" WHERE machine_id = ANY($1)`, [group]);
      deleted += result.rowCount ?? 0;
      onProgress(deleted);
    }
    await pool.query('DELETE FROM public.process_segments WHERE machine_id = ANY($1)', [group]);
    for (const table of MACHINE_ROLLUP_TABLES) await pool.query(`DELETE FROM public.${table} WHERE machine_id = ANY($1)`, [group]);
    for (const level of PROCESS_ROLLUP_LEVELS) await pool.query(deleteProcessRollups(level), [group]);
    for (const table of ['rollup_outbox', 'snapshots', 'machines']) {
      await pool.query(`DELETE FROM public.${table} WHERE machine_id = ANY($1)`, [group]);
    }
  }
  return deleted;
}
