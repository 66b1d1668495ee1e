// Issue 12: the shard map is data in the catalog; services refuse a PG_SHARDS that disagrees with it
// and follow a new version at runtime.
import { withPgCredentialsOf } from '@pa/config';
import { Pool } from 'pg';
import { ShardMap, withTransaction } from '@pa/pg-shards';
import { pollUntil, uniqueSuffix } from '@pa/testing';
import { bootstrapCatalog, ensureDatabase, migrateCatalog } from './catalog-setup';
import { ShardListMismatchError } from './catalog.error';
import { publishShardMap, readClusterState } from './cluster-state.repository';
import { ShardTopology, TopologyOptions } from './shard-topology';

const SHARD_URLS = (process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa,postgres://127.0.0.1:25434/pa').split(',').map((url) => withPgCredentialsOf(url));

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

describe('the catalog and the topology that follows it (real PostgreSQL)', () => {
  const catalogUrl = withDatabase(SHARD_URLS[0], `pa_catalog_it_${uniqueSuffix().replace(/-/g, '_')}`);
  let catalog: Pool;
  const options = (shardUrls: string[]): TopologyOptions => ({
    catalogUrl,
    shardUrls,
    pollMs: 60_000,
    pools: { poolSize: 1, statementTimeoutMs: 5_000, applicationName: 'pa-it', onError: () => undefined },
    log: () => undefined,
  });

  beforeAll(async () => {
    await ensureDatabase(catalogUrl);
    catalog = new Pool({ connectionString: catalogUrl, max: 2 });
    await migrateCatalog(catalog);
  });
  afterAll(async () => {
    await catalog.end();
    const admin = new Pool({ connectionString: withDatabase(SHARD_URLS[0], 'postgres'), max: 1 });
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(catalogUrl).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
  });

  it('bootstraps once: the nodes in order and version 1 splitting the buckets evenly', async () => {
    const first = await bootstrapCatalog(catalog, SHARD_URLS);
    const again = await bootstrapCatalog(catalog, SHARD_URLS);
    expect([first.isNew, again.isNew]).toEqual([true, false]);
    expect(again.state.map).toEqual({ version: 1, ranges: [{ from: 0, to: 2047, shard: 0 }, { from: 2048, to: 4095, shard: 1 }], stale: [] });
    expect(again.state.nodes.map((n) => n.nodeId)).toEqual([0, 1]);
  });

  it('refuses a shard list with a node more, one less, or in another order, saying how to add a node', async () => {
    const extra = withDatabase(SHARD_URLS[1], 'pa_other');
    const refusals = await Promise.all(
      [[...SHARD_URLS, extra], [SHARD_URLS[0]], [SHARD_URLS[1], SHARD_URLS[0]]].map((urls) => ShardTopology.open(options(urls)).catch((e: unknown) => e)),
    );
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(ShardListMismatchError);
    expect((refusals[0] as Error).message).toContain('npm run shards -- add <url>');
    expect((refusals[1] as Error).message).toContain('is missing from PG_SHARDS');
    expect((refusals[2] as Error).message).toContain("list the nodes in the catalog's order");
    await expect(bootstrapCatalog(catalog, [...SHARD_URLS, extra])).rejects.toBeInstanceOf(ShardListMismatchError);
  });

  it('follows a new map version at runtime through LISTEN/NOTIFY, long before its poll', async () => {
    const topology = await ShardTopology.open(options(SHARD_URLS));
    try {
      expect(topology.version).toBe(1);
      const next: Omit<ShardMap, 'version'> = { ranges: [{ from: 0, to: 1023, shard: 0 }, { from: 1024, to: 4095, shard: 1 }], stale: [{ shard: 1, from: 0, to: 9 }] };
      const published = performance.now();
      const version = await withTransaction(catalog, (client) => publishShardMap(client, next, 'test'));
      await pollUntil(async () => topology.version, (v) => v === version, { timeoutMs: 10_000, intervalMs: 5 });
      const followedMs = performance.now() - published;
      process.stdout.write(`shard-topology: a new map version was followed ${followedMs.toFixed(0)} ms after its commit (poll every 60 s)\n`);
      expect(topology.router.map).toEqual({ version, ...next });
      expect(topology.router.staleRangesOf(1)).toEqual([{ from: 0, to: 9 }]);
      expect((await readClusterState(catalog))?.map.version).toBe(version);
    } finally {
      await topology.close();
    }
  });

  it('refuses to publish a map that leaves buckets unassigned or names an unknown node', async () => {
    const bad = [{ ranges: [{ from: 0, to: 100, shard: 0 }] }, { ranges: [{ from: 0, to: 4095, shard: 7 }] }];
    for (const map of bad) await expect(withTransaction(catalog, (c) => publishShardMap(c, map, 'bad'))).rejects.toBeInstanceOf(RangeError);
  });
});
