import { Pool, PoolClient } from 'pg';
import { BucketRange, ShardMap, StaleRange, assertValidShardMap } from '@pa/pg-shards';

/** A shard node as the catalog knows it. */
export interface ShardNode {
  /** stable id: the shard number in pools, metrics and the map */
  nodeId: number;
  /** host:port/database */
  address: string;
}

/** The nodes and the current shard map, read together. */
export interface ClusterState {
  nodes: ShardNode[];
  map: ShardMap;
}

type Queryable = Pick<Pool | PoolClient, 'query'>;

// One statement, so nodes and map come from one snapshot of the catalog.
const READ_STATE = `
  SELECT v.version,
         (SELECT coalesce(json_agg(json_build_object('nodeId', n.node_id, 'address', n.address) ORDER BY n.node_id), '[]')
            FROM shard_nodes n) AS nodes,
         (SELECT json_agg(json_build_object('from', r.from_bucket, 'to', r.to_bucket, 'shard', r.node_id, 'alsoWrite', r.also_write_node_id)
                          ORDER BY r.from_bucket)
            FROM shard_map_ranges r WHERE r.version = v.version) AS ranges,
         (SELECT coalesce(json_agg(json_build_object('shard', s.node_id, 'from', s.from_bucket, 'to', s.to_bucket)
                          ORDER BY s.node_id, s.from_bucket), '[]')
            FROM shard_map_stale_ranges s WHERE s.version = v.version) AS stale
  FROM shard_map_versions v WHERE v.is_current`;

/** The current state, or undefined when the catalog has no map yet (not bootstrapped). */
export async function readClusterState(db: Queryable): Promise<ClusterState | undefined> {
  const { rows } = await db.query<{ version: number; nodes: ShardNode[]; ranges: (BucketRange & { alsoWrite: number | null })[]; stale: StaleRange[] }>(
    READ_STATE,
  );
  if (rows.length === 0) return undefined;
  const { version, nodes, ranges, stale } = rows[0];
  const map: ShardMap = {
    version,
    ranges: ranges.map(({ alsoWrite, ...r }) => (alsoWrite === null ? r : { ...r, alsoWrite })),
    stale,
  };
  assertValidShardMap(map, nodes.length);
  return { nodes, map };
}

/**
 * Publishes `map`'s ranges and stale ranges as the next version and makes it current, inside
 * the caller's transaction (listeners are notified at commit). Returns the new version. Throws
 * RangeError for an invalid map.
 */
export async function publishShardMap(client: PoolClient, map: Omit<ShardMap, 'version'>, reason: string): Promise<number> {
  await client.query('LOCK TABLE shard_map_versions IN EXCLUSIVE MODE');
  const { rows } = await client.query<{ version: number; nodes: number }>(
    'SELECT coalesce(max(version), 0) + 1 AS version, (SELECT count(*)::int FROM shard_nodes) AS nodes FROM shard_map_versions',
  );
  const { version, nodes } = rows[0];
  assertValidShardMap({ ...map, version }, nodes);
  await client.query('UPDATE shard_map_versions SET is_current = false WHERE is_current');
  await client.query('INSERT INTO shard_map_versions (version, is_current, reason) VALUES ($1, true, $2)', [version, reason]);
  await client.query(
    `INSERT INTO shard_map_ranges (version, from_bucket, to_bucket, node_id, also_write_node_id)
     SELECT $1, f, t, n, a FROM unnest($2::int[], $3::int[], $4::int[], $5::int[]) AS u(f, t, n, a)`,
    [version, map.ranges.map((r) => r.from), map.ranges.map((r) => r.to), map.ranges.map((r) => r.shard), map.ranges.map((r) => r.alsoWrite ?? null)],
  );
  const stale = map.stale ?? [];
  await client.query(
    `INSERT INTO shard_map_stale_ranges (version, node_id, from_bucket, to_bucket)
     SELECT $1, n, f, t FROM unnest($2::int[], $3::int[], $4::int[]) AS u(n, f, t)`,
    [version, stale.map((s) => s.shard), stale.map((s) => s.from), stale.map((s) => s.to)],
  );
  return version;
}

/** Registers a node at `address` with the next free id, inside the caller's transaction; returns its id. */
export async function registerNode(client: PoolClient, address: string): Promise<number> {
  await client.query('LOCK TABLE shard_nodes IN EXCLUSIVE MODE');
  const { rows } = await client.query<{ node_id: number }>(
    'INSERT INTO shard_nodes (node_id, address) SELECT coalesce(max(node_id) + 1, 0), $1 FROM shard_nodes RETURNING node_id',
    [address],
  );
  return rows[0].node_id;
}
