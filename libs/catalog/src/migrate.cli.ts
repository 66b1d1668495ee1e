// `npm run migrate`: creates and migrates the catalog (libs/catalog/sql), registers the nodes of
// PG_SHARDS and map version 1 when the catalog is new, refuses a PG_SHARDS that disagrees with
// the catalog, and applies libs/pg-shards/sql to every node.
import { Pool } from 'pg';
import { loadShardsConfig } from '@pa/config';
import { ShardPools, defaultMigrationsDir, migrateShard, readGrants, readMigrations } from '@pa/pg-shards';
import { bootstrapCatalog, ensureDatabase, migrateCatalog } from './catalog-setup';
import { redactUrl } from './node-address';

async function main(): Promise<void> {
  const { shards } = loadShardsConfig(process.env);
  if (await ensureDatabase(shards.catalogUrl)) console.log(`migrate: created the catalog database at ${redactUrl(shards.catalogUrl)}`);
  const catalog = new Pool({ connectionString: shards.catalogUrl, max: 1 });
  catalog.on('error', (error) => console.error(`catalog: ${error.message}`));
  try {
    const applied = await migrateCatalog(catalog);
    console.log(`migrate: catalog: ${applied.applied.length ? `applied ${applied.applied.join(', ')}` : 'up to date'}`);
    await migrateNodes(shards.urls);
    const { state, isNew } = await bootstrapCatalog(catalog, shards.urls);
    if (isNew) console.log(`migrate: catalog: registered ${state.nodes.length} nodes, shard map version 1 (buckets split evenly)`);
  } finally {
    await catalog.end();
  }
}

async function migrateNodes(urls: string[]): Promise<void> {
  const migrations = readMigrations(defaultMigrationsDir());
  const grants = readGrants(defaultMigrationsDir());
  const pools = new ShardPools({
    urls,
    poolSize: 1,
    statementTimeoutMs: 600_000,
    applicationName: 'pa-migrate',
    onError: (shard, error) => console.error(`shard ${shard}: ${error.message}`),
  });
  try {
    const results = await Promise.allSettled(
      urls.map(async (url, shard) => {
        const result = await migrateShard(pools.pool(shard), migrations, grants);
        const what = result.applied.length ? `applied ${result.applied.join(', ')}` : 'up to date';
        console.log(`migrate: shard ${shard} (${redactUrl(url)}): ${what}`);
      }),
    );
    const failed = results.flatMap((r, shard) => (r.status === 'rejected' ? [`shard ${shard}: ${r.reason}`] : []));
    if (failed.length) throw new Error(failed.join('\n'));
  } finally {
    await pools.end();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
