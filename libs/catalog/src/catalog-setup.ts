import { Client, Pool } from 'pg';
import { evenShardMap, findMigrationsDir, migrateShard, readGrants, readMigrations, withTransaction, MigrationResult } from '@pa/pg-shards';
import { ClusterState, publishShardMap, readClusterState, registerNode } from './cluster-state.repository';
import { nodeAddress } from './node-address';
import { assertShardListAgrees } from './shard-list-agreement';

/** Creates the catalog's database when its server has none of that name (UTF8, from template0). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}" ENCODING 'UTF8' TEMPLATE template0`);
    return true;
  } catch (error) {
    // Two migrators at once: the other one created it.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

/** Applies libs/catalog/sql to the catalog database, then its grants.sql. */
export function migrateCatalog(pool: Pool): Promise<MigrationResult> {
  const dir = findMigrationsDir('catalog');
  return migrateShard(pool, readMigrations(dir), readGrants(dir));
}

/**
 * A fresh catalog gets the nodes of `shardUrls`, in order, and map version 1 splitting the buckets
 * evenly over them (what every service computed before the catalog existed, so an existing
 * cluster keeps its routing). A catalog that has nodes must agree with `shardUrls`
 * (ShardListMismatchError otherwise). Safe to run concurrently.
 */
export async function bootstrapCatalog(pool: Pool, shardUrls: readonly string[]): Promise<{ state: ClusterState; isNew: boolean }> {
  const isNew = await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pa_catalog_bootstrap']);
    if (await readClusterState(client)) return false;
    for (const url of shardUrls) await registerNode(client, nodeAddress(url));
    await publishShardMap(client, evenShardMap(shardUrls.length), `bootstrap: buckets split evenly over ${shardUrls.length} nodes`);
    return true;
  });
  const state = (await readClusterState(pool)) as ClusterState;
  assertShardListAgrees(shardUrls, state.nodes);
  return { state, isNew };
}
