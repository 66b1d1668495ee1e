/** Number of hash buckets; fixed forever, so a machine's bucket never changes (shards move, buckets do not). */
export const BUCKET_COUNT = 4096;

/** A contiguous range of buckets `[from, to]` (inclusive) assigned to one shard. */
export interface BucketRange {
  from: number;
  to: number;
  shard: number;
}

/** Versioned assignment of every bucket to a shard; a rebalance publishes a new version. */
export interface ShardMap {
  version: number;
  ranges: BucketRange[];
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
    if (!Number.isInteger(range.shard) || range.shard < 0 || range.shard >= shardCount) {
      throw new RangeError(`shard map v${map.version}: shard ${range.shard} does not exist (have ${shardCount})`);
    }
    next = range.to + 1;
  }
  if (next !== BUCKET_COUNT) throw new RangeError(`shard map v${map.version}: buckets ${next}..${BUCKET_COUNT - 1} unassigned`);
}

/** Routes machine ids to shards through a shard map; the only place that computes a shard. */
export class ShardRouter {
  private readonly shardOfBucket: Uint16Array;

  constructor(readonly map: ShardMap, readonly shardCount: number) {
    assertValidShardMap(map, shardCount);
    this.shardOfBucket = new Uint16Array(BUCKET_COUNT);
    for (const { from, to, shard } of map.ranges) this.shardOfBucket.fill(shard, from, to + 1);
  }

  shardOf(machineId: string): number {
    return this.shardOfBucket[bucketOf(machineId)];
  }
}
