import { Cluster } from '../cluster';
import { MoveRecord, unfinishedMove } from '../moves/move.repository';

export interface NodeStatus {
  nodeId: number;
  address: string;
  /** bucket ranges the node owns, as `from-to` */
  ranges: string[];
  buckets: number;
  machines: number;
  snapshots: number;
  /** process rows, from the ledger's n_processes */
  rows: number;
  /** the node's database on disk, bytes */
  bytes: number;
  /** false when the node did not answer */
  isReachable: boolean;
}

export interface ClusterStatus {
  mapVersion: number;
  nodes: NodeStatus[];
  move?: MoveRecord;
}

const NODE_FIGURES = `
  SELECT (SELECT count(*) FROM machines)::float8 AS machines,
         (SELECT count(*) FROM snapshots)::float8 AS snapshots,
         (SELECT coalesce(sum(n_processes), 0) FROM snapshots)::float8 AS rows,
         pg_database_size(current_database())::float8 AS bytes`;

/** Nodes, the ranges each owns, their data (counted, so it reads every ledger: seconds on a large node), the move in progress. */
export async function clusterStatus(cluster: Cluster): Promise<ClusterStatus> {
  const { map, nodes } = await cluster.state();
  const statuses = await Promise.all(
    nodes.map(async (node): Promise<NodeStatus> => {
      const owned = map.ranges.filter((r) => r.shard === node.nodeId);
      const base = {
        nodeId: node.nodeId,
        address: node.address,
        ranges: owned.map((r) => `${r.from}-${r.to}${r.alsoWrite === undefined ? '' : ` (also written to node ${r.alsoWrite})`}`),
        buckets: owned.reduce((n, r) => n + r.to - r.from + 1, 0),
      };
      try {
        const { rows } = await (await cluster.node(node.nodeId)).query<{ machines: number; snapshots: number; rows: number; bytes: number }>(NODE_FIGURES);
        return { ...base, ...rows[0], isReachable: true };
      } catch {
        return { ...base, machines: 0, snapshots: 0, rows: 0, bytes: 0, isReachable: false };
      }
    }),
  );
  return { mapVersion: map.version, nodes: statuses, move: await unfinishedMove(cluster.catalog) };
}
