import { Client, Pool } from 'pg';
import { ShardsConfig } from '@pa/config';
import { ShardPoolOptions, ShardPools, ShardRouter } from '@pa/pg-shards';
import { CatalogError } from './catalog.error';
import { ClusterState, readClusterState } from './cluster-state.repository';
import { redactUrl, urlForNode } from './node-address';
import { assertShardListAgrees } from './shard-list-agreement';

export interface TopologyOptions {
  /** the catalog database (CATALOG_URL, or pa_catalog on the first node) */
  catalogUrl: string;
  /** the service's PG_SHARDS, with its credentials; must agree with the catalog's nodes */
  shardUrls: string[];
  /** for the shard pools (sizes, timeouts, application name, error callback) */
  pools: Omit<ShardPoolOptions, 'urls'>;
  /** how often the catalog is read besides LISTEN, ms: the longest a lost notification delays a new map */
  pollMs: number;
  /** told of new map versions and of catalog trouble */
  log: (message: string) => void;
}

/**
 * The shard nodes and the current shard map of the catalog, followed at runtime: a new version
 * arrives by LISTEN pa_shard_map within milliseconds, or by the poll within `pollMs` should a
 * notification be lost. A node registered later gets a pool (its address with the credentials
 * of the service's first shard URL). Every service routes through `router` (libs/pg-shards).
 */
export class ShardTopology {
  readonly pools: ShardPools;
  private current: ShardRouter;
  private listener: Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<boolean> | undefined;
  private isClosed = false;
  private readonly subscribers: ((router: ShardRouter) => void)[] = [];
  private readonly nodeAddresses: string[] = [];

  private constructor(
    private readonly options: TopologyOptions,
    private readonly catalog: Pool,
    state: ClusterState,
  ) {
    this.pools = new ShardPools({ ...options.pools, urls: options.shardUrls });
    this.nodeAddresses.push(...state.nodes.slice(0, options.shardUrls.length).map((n) => n.address));
    this.current = new ShardRouter(state.map, state.nodes.length);
    this.addNewNodes(state);
  }

  /**
   * Reads the catalog and checks PG_SHARDS against it. Throws ShardListMismatchError when they
   * disagree, CatalogError (retriable) when the catalog cannot be read or has no map yet.
   */
  static async open(options: TopologyOptions): Promise<ShardTopology> {
    const catalog = new Pool({ connectionString: options.catalogUrl, max: 2, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    catalog.on('error', (error) => options.log(`catalog connection lost: ${error.message}`));
    try {
      const state = await readState(catalog, options.catalogUrl);
      assertShardListAgrees(options.shardUrls, state.nodes);
      const topology = new ShardTopology(options, catalog, state);
      await topology.follow();
      return topology;
    } catch (error) {
      await catalog.end().catch(() => undefined);
      throw error;
    }
  }

  /** host:port/database of every node, by node id. */
  get addresses(): string[] {
    return this.nodeAddresses;
  }

  /** The router of the current map version. */
  get router(): ShardRouter {
    return this.current;
  }

  get version(): number {
    return this.current.map.version;
  }

  /** Called with the new router whenever the map version changes. */
  onChange(subscriber: (router: ShardRouter) => void): void {
    this.subscribers.push(subscriber);
  }

  /** Reads the catalog now (one read at a time); true when the version changed. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.load().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearInterval(this.pollTimer);
    await this.listener?.end().catch(() => undefined);
    await Promise.all([this.catalog.end(), this.pools.end()]);
  }

  private async load(): Promise<boolean> {
    const state = await readState(this.catalog, this.options.catalogUrl);
    if (state.map.version === this.current.map.version) return false;
    this.addNewNodes(state);
    this.current = new ShardRouter(state.map, state.nodes.length);
    this.options.log(`shard map version ${state.map.version} (${state.nodes.length} nodes)`);
    for (const subscriber of this.subscribers) subscriber(this.current);
    return true;
  }

  private addNewNodes(state: ClusterState): void {
    for (const node of state.nodes.slice(this.pools.count)) {
      this.pools.add(urlForNode(node.address, this.options.shardUrls[0]));
      this.nodeAddresses.push(node.address);
      this.options.log(`shard node ${node.nodeId} at ${node.address} joined`);
    }
  }

  private async follow(): Promise<void> {
    this.pollTimer = setInterval(() => void this.refresh().catch((e: Error) => this.options.log(`catalog poll failed: ${e.message}`)), this.options.pollMs);
    this.pollTimer.unref();
    await this.listen().catch((e: Error) => {
      this.options.log(`catalog LISTEN failed (polling every ${this.options.pollMs} ms meanwhile): ${e.message}`);
      this.listenLater();
    });
  }

  /** A dedicated connection LISTENing; reconnected after a drop (the poll covers the gap). */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.catalogUrl, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    client.on('notification', () => void this.refresh().catch((e: Error) => this.options.log(`catalog read failed: ${e.message}`)));
    client.once('end', () => this.listenLater());
    this.listener = client;
    await client.connect();
    await client.query('LISTEN pa_shard_map');
  }

  private listenLater(): void {
    if (this.isClosed) return;
    const retry = setTimeout(() => void this.listen().catch(() => this.listenLater()), this.options.pollMs);
    retry.unref();
  }
}

async function readState(catalog: Pool, url: string): Promise<ClusterState> {
  let state: ClusterState | undefined;
  try {
    state = await readClusterState(catalog);
  } catch (error) {
    throw new CatalogError(`the catalog at ${redactUrl(url)} cannot be read (run \`npm run migrate\` first?): ${(error as Error).message}`, true, { cause: error });
  }
  if (!state) throw new CatalogError(`the catalog at ${redactUrl(url)} has no shard map yet: run \`npm run migrate\``, true);
  return state;
}

/** What a service says about itself to open its topology (the rest comes from its ShardsConfig). */
export interface ServiceTopologyOptions {
  applicationName: string;
  /** told of lost shard connections and map changes */
  logger: { log(message: string): void; warn(message: string): void };
  searchPath?: string;
}

/** ShardTopology.open for a service: its PG_SHARDS, catalog, pool sizes and timeouts from `shards`. */
export function openServiceTopology(shards: ShardsConfig, service: ServiceTopologyOptions): Promise<ShardTopology> {
  return ShardTopology.open({
    catalogUrl: shards.catalogUrl,
    shardUrls: shards.urls,
    pollMs: shards.mapPollMs,
    pools: {
      poolSize: shards.poolSize,
      statementTimeoutMs: shards.statementTimeoutMs,
      applicationName: service.applicationName,
      searchPath: service.searchPath,
      onError: (shard, error) => service.logger.warn(`shard ${shard} connection lost: ${error.message}`),
    },
    log: (message) => service.logger.log(message),
  });
}
