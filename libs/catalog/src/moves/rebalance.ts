import { Cluster } from '../cluster';
import { Move } from './move-steps';
import { Mover } from './mover';
import { BucketWeights, planRebalance } from './rebalance-plan';

const BUCKET_ROWS = `
  SELECT m.bucket, coalesce(sum(s.n_processes), 0)::float8 AS rows
  FROM machines m JOIN snapshots s USING (machine_id) GROUP BY m.bucket`;

/** Process rows per bucket over the cluster, each bucket counted on its owner only (not on a node that holds it stale). */
export async function bucketWeights(cluster: Cluster): Promise<BucketWeights> {
  const { map, nodes } = await cluster.state();
  const owner = new Array<number>(4096);
  for (const r of map.ranges) for (let b = r.from; b <= r.to; b++) owner[b] = r.shard;
  const weights = new Array<number>(4096).fill(0);
  for (const node of nodes) {
    const { rows } = await (await cluster.node(node.nodeId)).query<{ bucket: number; rows: number }>(BUCKET_ROWS);
    for (const r of rows) if (owner[r.bucket] === node.nodeId) weights[r.bucket] = r.rows;
  }
  return weights;
}

/** Plans the moves that even out rows per node and, unless `dryRun`, runs them one after the other. */
export async function rebalance(cluster: Cluster, mover: Mover, log: (line: string) => void, dryRun = false): Promise<Move[]> {
  const { map, nodes } = await cluster.state();
  const moves = planRebalance(map, nodes.length, await bucketWeights(cluster));
  if (moves.length === 0) log('rebalance: the nodes are even (within 5%); nothing to move');
  for (const [i, m] of moves.entries()) log(`rebalance: move ${i + 1}/${moves.length}: buckets ${m.from}-${m.to} from node ${m.source} to node ${m.target}`);
  if (dryRun) return moves;
  for (const m of moves) await mover.move(m.from, m.to, m.target);
  return moves;
}
