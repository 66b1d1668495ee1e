import { Pool } from 'pg';
import { bootstrapCatalog, ensureDatabase, migrateCatalog } from '@pa/catalog';
import { uniqueSuffix } from '@pa/testing';
import { SHARD_URLS } from './test-stack';

/**
 * A catalog of a test's own naming `shardUrls` as its nodes (buckets split evenly), for a service
 * started with a shard list unlike the test stack's, e.g. with a node that is down: the test
 * stack's catalog would make that service refuse to start. Returns its URL (CATALOG_URL).
 */
export async function catalogFor(shardUrls: string[]): Promise<string> {
  const url = new URL(SHARD_URLS[0]);
  url.pathname = `/pa_catalog_${uniqueSuffix().replace(/-/g, '_')}`;
  await ensureDatabase(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 1 });
  try {
    await migrateCatalog(pool);
    await bootstrapCatalog(pool, shardUrls);
  } finally {
    await pool.end();
  }
  return url.toString();
}
