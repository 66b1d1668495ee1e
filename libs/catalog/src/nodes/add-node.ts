import { Pool } from 'pg';
import { defaultMigrationsDir, migrateShard, readGrants, readMigrations, withTransaction } from '@pa/pg-shards';
import { ensureDatabase } from '../catalog-setup';
import { Cluster } from '../cluster';
import { publishShardMap, readClusterState, registerNode } from '../cluster-state.repository';
import { nodeAddress, redactUrl } from '../node-address';

/**
 * Registers the node at `url`: creates its database if missing, applies the shard migrations,
 * refuses a node that holds data, then records it in the catalog and republishes the current map
 * (same ranges) so that every service opens a pool for it. It owns no buckets until a move gives
 * it some. Adding a node that is registered already returns its id. Returns the node id.
 */
export async function addNode(cluster: Cluster, url: string, log: (line: string) => void): Promise<number> {
  const address = nodeAddress(url);
  const known = (await cluster.state()).nodes.find((n) => n.address === address);
  if (known) {
    log(`node ${known.nodeId} is ${address} already`);
    return known.nodeId;
  }
  if (await ensureDatabase(url)) log(`created database ${address}`);
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  try {
    const migrated = await migrateShard(pool, readMigrations(defaultMigrationsDir()), readGrants(defaultMigrationsDir()));
    log(`migrated ${redactUrl(url)}: ${migrated.applied.length} migrations applied`);
    const { rows } = await pool.query<{ has_data: boolean }>('SELECT EXISTS (SELECT 1 FROM snapshots) AS has_data');
    if (rows[0].has_data) throw new Error(`${address} holds snapshots already; only an empty node can join (its rows would be counted twice)`);
  } finally {
    await pool.end();
  }
  return withTransaction(cluster.catalog, async (client) => {
    await client.query('LOCK TABLE shard_map_versions IN EXCLUSIVE MODE');
    const nodeId = await registerNode(client, address);
    const state = await readClusterState(client);
    if (!state) throw new Error('the catalog has no shard map yet: run `npm run migrate` first');
    const version = await publishShardMap(client, { ranges: state.map.ranges, stale: state.map.stale }, `node ${nodeId} added at ${address}`);
    log(`node ${nodeId} added at ${address} (shard map version ${version}; it owns no buckets yet: \`npm run shards -- rebalance\`)`);
    return nodeId;
  });
}
