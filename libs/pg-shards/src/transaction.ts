import { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a client of `pool`: BEGIN (with `begin`, e.g. an isolation
 * level), COMMIT when it resolves, ROLLBACK and rethrow when it throws. A client whose ROLLBACK
 * failed is in an unknown state and is destroyed instead of going back to the pool. `aroundCommit`
 * wraps the COMMIT (the writer traces it as a span of its own).
 */
export async function withTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
  aroundCommit: (commit: () => Promise<unknown>) => Promise<unknown> = (commit) => commit(),
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await aroundCommit(() => client.query('COMMIT'));
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(
      () => undefined,
      () => error as Error,
    );
    throw error;
  } finally {
    client.release(broken);
  }
}
