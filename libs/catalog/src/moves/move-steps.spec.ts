import { ShardMap, assertValidShardMap, evenShardMap } from '@pa/pg-shards';
import { MOVE_STEPS, assertMovable, mapForStep, nextStep } from './move-steps';

const base: ShardMap = { ...evenShardMap(2), stale: [] };
const move = { from: 1024, to: 2047, source: 0, target: 2 };

describe('mapForStep', () => {
  it('walks a range from its source to its target: excluded, written twice, read from the target, written there alone, done', () => {
    const maps = MOVE_STEPS.map((step) => mapForStep(base, move, step));
    expect(maps.map((m) => m.ranges.find((r) => r.from <= 1024 && 1024 <= r.to))).toEqual([
      { from: 0, to: 2047, shard: 0 },
      { from: 1024, to: 2047, shard: 0, alsoWrite: 2 },
      { from: 1024, to: 2047, shard: 2, alsoWrite: 0 },
      { from: 1024, to: 2047, shard: 2 },
      { from: 1024, to: 2047, shard: 2 },
    ]);
    expect(maps.map((m) => m.stale)).toEqual([
      [{ shard: 2, from: 1024, to: 2047 }],
      [{ shard: 2, from: 1024, to: 2047 }],
      [{ shard: 0, from: 1024, to: 2047 }],
      [{ shard: 0, from: 1024, to: 2047 }],
      [],
    ]);
    for (const m of maps) expect(() => assertValidShardMap({ ...m, version: 9 }, 3)).not.toThrow();
  });

  it('splits the source range and merges neighbours of one owner back together', () => {
    expect(mapForStep(base, move, 'done').ranges).toEqual([
      { from: 0, to: 1023, shard: 0 },
      { from: 1024, to: 2047, shard: 2 },
      { from: 2048, to: 4095, shard: 1 },
    ]);
    const back = mapForStep(mapForStep(base, move, 'done'), { ...move, source: 2, target: 0 }, 'done');
    expect(back.ranges).toEqual(base.ranges);
  });

  it('orders its steps and ends after done', () => {
    expect(nextStep('exclude')).toBe('dual_write');
    expect(nextStep('done')).toBeUndefined();
  });
});

describe('assertMovable', () => {
  it('refuses ranges across nodes, onto their own node, of unknown nodes, or out of bounds', () => {
    expect(() => assertMovable(base, { from: 2000, to: 2100, source: 0, target: 2 }, 3)).toThrow(/not all on node 0/);
    expect(() => assertMovable(base, { from: 0, to: 10, source: 0, target: 0 }, 3)).toThrow(/on node 0 already/);
    expect(() => assertMovable(base, { from: 0, to: 10, source: 0, target: 5 }, 3)).toThrow(/node 5 does not exist/);
    expect(() => assertMovable(base, { from: 10, to: 4096, source: 0, target: 2 }, 3)).toThrow(/0 ≤ A ≤ B ≤ 4095/);
    expect(() => assertMovable({ ...base, stale: [{ shard: 2, from: 0, to: 5 }] }, { from: 0, to: 10, source: 0, target: 2 }, 3)).toThrow(/being cleaned up/);
    expect(() => assertMovable(base, { from: 0, to: 10, source: 0, target: 2 }, 3)).not.toThrow();
  });
});
