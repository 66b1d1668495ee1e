import { BUCKET_COUNT, ShardRouter, assertValidShardMap, bucketOf, evenShardMap } from './shard-routing';

describe('bucketOf', () => {
  it('matches the FNV-1a reference values, mod 4096', () => {
    // FNV-1a 32-bit of "" is 0x811c9dc5 and of "a" is 0xe40c292c (published test vectors).
    expect(bucketOf('')).toBe(0x811c9dc5 % BUCKET_COUNT);
    expect(bucketOf('a')).toBe(0xe40c292c % BUCKET_COUNT);
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    expect(bucketOf('é')).not.toBe(bucketOf('\u00e9'.normalize('NFD')));
  });

  it('spreads machine ids over the buckets', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 40_960; i++) {
      const b = bucketOf(`host-${String(i).padStart(5, '0')}`);
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    expect(counts.size).toBeGreaterThan(BUCKET_COUNT * 0.95);
    expect(Math.max(...counts.values())).toBeLessThan(40);
  });
});

describe('shard maps', () => {
  it('splits the buckets evenly and contiguously', () => {
    expect(evenShardMap(2).ranges).toEqual([
      { from: 0, to: 2047, shard: 0 },
      { from: 2048, to: 4095, shard: 1 },
    ]);
    expect(() => assertValidShardMap(evenShardMap(3), 3)).not.toThrow();
  });

  it('rejects gaps, overlaps and unknown shards', () => {
    expect(() => assertValidShardMap({ version: 2, ranges: [{ from: 0, to: 100, shard: 0 }] }, 1)).toThrow(/unassigned/);
    const overlap = { version: 2, ranges: [{ from: 0, to: 2100, shard: 0 }, { from: 2048, to: 4095, shard: 1 }] };
    expect(() => assertValidShardMap(overlap, 2)).toThrow(/gap or overlap/);
    expect(() => assertValidShardMap(evenShardMap(2), 1)).toThrow(/does not exist/);
  });

  it('routes a machine to the shard owning its bucket, for any map version', () => {
    const router = new ShardRouter(evenShardMap(2), 2);
    const id = 'host-0042';
    expect(router.shardOf(id)).toBe(bucketOf(id) < 2048 ? 0 : 1);
    const moved = new ShardRouter({ version: 2, ranges: [{ from: 0, to: 4095, shard: 1 }] }, 2);
    expect(moved.shardOf(id)).toBe(1);
  });

  it('writes a moving range to its owner and its target, reads it from the owner', () => {
    const map = { version: 3, ranges: [{ from: 0, to: 2047, shard: 0, alsoWrite: 2 }, { from: 2048, to: 4095, shard: 1 }], stale: [{ shard: 2, from: 0, to: 2047 }] };
    const router = new ShardRouter(map, 3);
    const low = Array.from({ length: 100 }, (_, i) => `m-${i}`).find((id) => bucketOf(id) < 2048) as string;
    const high = Array.from({ length: 100 }, (_, i) => `m-${i}`).find((id) => bucketOf(id) >= 2048) as string;
    expect([router.shardOf(low), router.writeShardsOf(low)]).toEqual([0, [0, 2]]);
    expect([router.shardOf(high), router.writeShardsOf(high)]).toEqual([1, [1]]);
    expect(router.staleRangesOf(2)).toEqual([{ from: 0, to: 2047 }]);
    expect(router.staleRangesOf(0)).toEqual([]);
  });

  it('rejects a move target that does not exist or is the owner itself', () => {
    expect(() => assertValidShardMap({ version: 2, ranges: [{ from: 0, to: 4095, shard: 0, alsoWrite: 3 }] }, 2)).toThrow(/shard 3 does not exist/);
    expect(() => assertValidShardMap({ version: 2, ranges: [{ from: 0, to: 4095, shard: 0, alsoWrite: 0 }] }, 2)).toThrow(/also written to their owner/);
  });
});
