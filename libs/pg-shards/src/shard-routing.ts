/** Number of hash buckets; fixed forever, so a machine's bucket never changes (shards move, buckets do not). */
export const BUCKET_COUNT = 4096;

/** A contiguous range of buckets `[from, to]` (inclusive) assigned to one shard. */
export interface BucketRange {
  from: number;
  to: number;
  /** the shard (node id) that owns the range: reads go there, writes too */
  shard: number;
  /** while the range moves: the target, written too (not read) until it owns the range */
  alsoWrite?: number;
}

/** Rows a shard holds for buckets it does not own (a move's copy, or its source before cleanup): reads there leave them out. */
export interface StaleRange {
  shard: number;
  from: number;
  to: number;
}

/** Versioned assignment of every bucket to a shard; a rebalance publishes a new version. */
export interface ShardMap {
  version: number;
  ranges: BucketRange[];
  stale?: StaleRange[];
}

const utf8 = new TextEncoder();

/**
 * The bucket of a machine: FNV-1a (32 bit) of its UTF-8 id, mod 4096. FNV-1a is tiny, fast for
 * short keys, and stable across languages, so a collector or a SQL function can compute it too.
 */
export function bucketOf(machineId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(machineId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % BUCKET_COUNT;
}

/** An even split of all buckets over `shardCount` shards (version 1 of a fresh cluster). */
export function evenShardMap(shardCount: number, version = 1): ShardMap {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > BUCKET_COUNT) {
    throw new RangeError(`shardCount must be an integer from 1 to ${BUCKET_COUNT}, got ${shardCount}`);
  }
  const ranges: BucketRange[] = [];
  for (let shard = 0; shard < shardCount; shard++) {
    const from = Math.floor((shard * BUCKET_COUNT) / shardCount);
    const to = Math.floor(((shard + 1) * BUCKET_COUNT) / shardCount) - 1;
    ranges.push({ from, to, shard });
  }
  return { version, ranges };
}

/** Throws RangeError unless the ranges cover every bucket exactly once and name shards < shardCount. */
export function assertValidShardMap(map: ShardMap, shardCount: number): void {
  const sorted = [...map.ranges].sort((a, b) => a.from - b.from);
  let next = 0;
  for (const range of sorted) {
    if (range.from !== next || range.to < range.from) {
      throw new RangeError(`shard map v${map.version}: buckets must be covered once; gap or overlap at ${next}`);
    }
    for (const shard of [range.shard, ...(range.alsoWrite === undefined ? [] : [range.alsoWrite])]) {
      if (!Number.isInteger(shard) || shard < 0 || shard >= shardCount) {
        throw new RangeError(`shard map v${map.version}: shard ${shard} does not exist (have ${shardCount})`);
      }
    }
    if (range.alsoWrite === range.shard) throw new RangeError(`shard map v${map.version}: buckets ${range.from}-${range.to} also written to their owner`);
    next = range.to + 1;
  }
  if (next !== BUCKET_COUNT) throw new RangeError(`shard map v${map.version}: buckets ${next}..${BUCKET_COUNT - 1} unassigned`);
}

const NO_SHARD = 0xffff;

/** Routes machine ids to shards through a shard map; the only place that computes a shard. */
export class ShardRouter {
  private readonly shardOfBucket: Uint16Array;
  private readonly alsoWriteOfBucket: Uint16Array;

  constructor(readonly map: ShardMap, readonly shardCount: number) {
    assertValidShardMap(map, shardCount);
    this.shardOfBucket = new Uint16Array(BUCKET_COUNT);
    this.alsoWriteOfBucket = new Uint16Array(BUCKET_COUNT).fill(NO_SHARD);
    for (const { from, to, shard, alsoWrite } of map.ranges) {
      this.shardOfBucket.fill(shard, from, to + 1);
      if (alsoWrite !== undefined) this.alsoWriteOfBucket.fill(alsoWrite, from, to + 1);
    }
  }

  /** The shard that owns the machine's bucket: where its data is read. */
  shardOf(machineId: string): number {
    return this.shardOfBucket[bucketOf(machineId)];
  }

  /** Every shard a machine's snapshots are written to: its owner, and a move's target while it moves. */
  writeShardsOf(machineId: string): number[] {
    const bucket = bucketOf(machineId);
    const also = this.alsoWriteOfBucket[bucket];
    return also === NO_SHARD ? [this.shardOfBucket[bucket]] : [this.shardOfBucket[bucket], also];
  }

  /** Bucket ranges whose rows `shard` holds without owning them; its reads must leave them out. */
  staleRangesOf(shard: number): { from: number; to: number }[] {
    return (this.map.stale ?? []).filter((s) => s.shard === shard).map(({ from, to }) => ({ from, to }));
  }
}
