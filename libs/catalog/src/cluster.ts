import { Pool } from 'pg';
import { ClusterState, readClusterState } from './cluster-state.repository';
import { urlForNode } from './node-address';
import { ShardsConfig } from '@pa/config';

/**
 * The operator's connections: the catalog, and one pool per node as its owner (the mover copies,
 * verifies and deletes). Node URLs are the catalog's addresses with the credentials of the first
 * PG_SHARDS URL, so a node registered a moment ago is reachable too.
 */
export class Cluster {
  readonly catalog: Pool;
  private readonly nodes = new Map<number, Pool>();

  constructor(private readonly config: ShardsConfig) {
    this.catalog = new Pool({ connectionString: config.catalogUrl, max: 2 });
    this.catalog.on('error', () => undefined);
  }

  async state(): Promise<ClusterState> {
    const state = await readClusterState(this.catalog);
    if (!state) throw new Error('the catalog has no shard map yet: run `npm run migrate` first');
    return state;
  }

  /** The pool of node `nodeId` (opened on first use). */
  async node(nodeId: number): Promise<Pool> {
    const open = this.nodes.get(nodeId);
    if (open) return open;
    const node = (await this.state()).nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new RangeError(`no node ${nodeId} in the catalog`);
    const pool = new Pool({
      connectionString: urlForNode(node.address, this.config.urls[0]),
      max: 3,
      options: '-c TimeZone=UTC -c jit=off',
      application_name: 'pa-shards',
    });
    pool.on('error', () => undefined);
    this.nodes.set(nodeId, pool);
    return pool;
  }

  async end(): Promise<void> {
    await Promise.all([this.catalog.end(), ...[...this.nodes.values()].map((p) => p.end())]);
  }
}
