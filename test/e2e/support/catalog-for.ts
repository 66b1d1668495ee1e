import { Pool } from 'pg';
import { bootstrapCatalog, ensureDatabase, migrateCatalog } from '@pa/catalog';
import { uniqueSuffix } from '@pa/testing';
import { catalogUrl } from './auth';
import { SHARD_URLS } from './test-stack';

/**
 * A catalog of a test's own naming `shardUrls` as its nodes (buckets split evenly), for a service
 * started with a shard list unlike the test stack's, e.g. with a node that is down: the test
 * stack's catalog would make that service refuse to start. It gets the run's API keys too (the
 * admin key of global-setup.ts works there). Returns its URL (CATALOG_URL).
 */
export async function catalogFor(shardUrls: string[]): Promise<string> {
  const url = new URL(SHARD_URLS[0]);
  url.pathname = `/pa_catalog_${uniqueSuffix().replace(/-/g, '_')}`;
  await ensureDatabase(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 1 });
  try {
    await migrateCatalog(pool);
    await bootstrapCatalog(pool, shardUrls);
    await copyApiKeys(pool);
  } finally {
    await pool.end();
  }
  return url.toString();
}

/** The run's keys (their hashes), into another catalog. */
export async function copyApiKeys(target: Pool): Promise<void> {
  const source = new Pool({ connectionString: catalogUrl(SHARD_URLS), max: 1 });
  try {
    const { rows } = await source.query('SELECT id, name, hmac, scopes, write_prefixes, read_prefixes, expires_at FROM api_keys WHERE revoked_at IS NULL');
    for (const r of rows) {
      await target.query('INSERT INTO api_keys (id, name, hmac, scopes, write_prefixes, read_prefixes, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        r.id, r.name, r.hmac, r.scopes, r.write_prefixes, r.read_prefixes, r.expires_at,
      ]);
    }
  } finally {
    await source.end();
  }
}
