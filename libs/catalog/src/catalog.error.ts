/** Base error of libs/catalog; `retriable`: trying again later can succeed (the catalog was unreachable). */
export class CatalogError extends Error {
  constructor(message: string, readonly retriable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A service's PG_SHARDS disagrees with the catalog's nodes: starting would re-route machines. */
export class ShardListMismatchError extends CatalogError {
  constructor(readonly problems: string[]) {
    super(`PG_SHARDS does not match the catalog's shard nodes; refusing to start:\n  ${problems.join('\n  ')}`, false);
  }
}
