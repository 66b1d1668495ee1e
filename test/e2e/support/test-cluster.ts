import { Pool } from 'pg';
import { bootstrapCatalog, ensureDatabase, migrateCatalog } from '@pa/catalog';
import { ShardsConfig, withPgCredentialsOf } from '@pa/config';
import { defaultMigrationsDir, migrateShard, readGrants, readMigrations } from '@pa/pg-shards';
import { copyApiKeys } from './catalog-for';

const SERVERS = (process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa,postgres://127.0.0.1:25434/pa').split(',').map((url) => withPgCredentialsOf(url));

/** A cluster of a test's own: node databases spread over the test servers, and a catalog. */
export interface TestCluster {
  /** node URLs, node i = urls[i] */
  urls: string[];
  catalogUrl: string;
  /** one small pool per node, as its owner */
  pools: Pool[];
  /** the ShardsConfig of a service given the first `nodes` URLs */
  config(nodes: number): ShardsConfig;
  /** the environment of an app of this cluster with the first `nodes` URLs */
  env(nodes: number): Record<string, string>;
  drop(): Promise<void>;
}

/**
 * Creates `nodes` migrated node databases `<name>_<i>` (alternating between the test stack's
 * servers) and catalog `<name>_catalog` bootstrapped with the first two (or one) of them. The
 * other nodes are left for a test to add (`npm run shards -- add`).
 */
export async function createTestCluster(name: string, nodes: number): Promise<TestCluster> {
  const urls = Array.from({ length: nodes }, (_, i) => withDatabase(SERVERS[i % SERVERS.length], `${name}_${i}`));
  const catalogUrl = withDatabase(SERVERS[0], `${name}_catalog`);
  const migrations = readMigrations(defaultMigrationsDir());
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 3, options: '-c TimeZone=UTC' }));
  pools.forEach((p) => p.on('error', () => undefined));
  for (const [i, url] of urls.entries()) {
    await ensureDatabase(url);
    await migrateShard(pools[i], migrations, readGrants(defaultMigrationsDir()));
  }
  await ensureDatabase(catalogUrl);
  const catalog = new Pool({ connectionString: catalogUrl, max: 1 });
  await migrateCatalog(catalog);
  await bootstrapCatalog(catalog, urls.slice(0, Math.min(2, nodes)));
  // The cluster's services check keys against this catalog: the run's admin key must work there.
  await copyApiKeys(catalog);
  await catalog.end();
  const config = (n: number): ShardsConfig => ({ urls: urls.slice(0, n), catalogUrl, mapPollMs: 200, poolSize: 3, statementTimeoutMs: 30_000 });
  return {
    urls,
    catalogUrl,
    pools,
    config,
    env: (n) => ({ PG_SHARDS: urls.slice(0, n).join(','), CATALOG_URL: catalogUrl, CATALOG_POLL_MS: '200' }),
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()));
      for (const url of [...urls, catalogUrl]) {
        const admin = new Pool({ connectionString: withDatabase(url, 'postgres'), max: 1 });
        await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
