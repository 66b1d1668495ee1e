import { ShardListMismatchError } from './catalog.error';
import { ShardNode } from './cluster-state.repository';
import { nodeAddress } from './node-address';

/**
 * The differences between a service's PG_SHARDS and the catalog's nodes, one line each, saying
 * what to do; empty when PG_SHARDS[i] is node i for every node. A shard list is never taken as
 * the truth: an added URL would otherwise re-route existing machines (issue 12).
 */
export function shardListProblems(urls: readonly string[], nodes: readonly ShardNode[]): string[] {
  const problems: string[] = [];
  const count = Math.max(urls.length, nodes.length);
  for (let i = 0; i < count; i++) {
    const address = i < urls.length ? nodeAddress(urls[i]) : undefined;
    const node = nodes[i];
    if (address !== undefined && node === undefined) {
      problems.push(
        `PG_SHARDS names ${address} (entry ${i + 1}), which the catalog does not know. Register a new node with ` +
          `\`npm run shards -- add <url>\` (it is migrated and starts empty), then \`npm run shards -- rebalance\` to move buckets to it.`,
      );
    } else if (address === undefined) {
      problems.push(`the catalog's node ${node.nodeId} at ${node.address} is missing from PG_SHARDS: add its URL as entry ${i + 1}.`);
    } else if (address !== node.address) {
      problems.push(`PG_SHARDS entry ${i + 1} is ${address}, but the catalog's node ${node.nodeId} is ${node.address}: list the nodes in the catalog's order.`);
    }
  }
  return problems;
}

/** Throws ShardListMismatchError listing every difference (see shardListProblems). */
export function assertShardListAgrees(urls: readonly string[], nodes: readonly ShardNode[]): void {
  const problems = shardListProblems(urls, nodes);
  if (problems.length) throw new ShardListMismatchError(problems);
}
