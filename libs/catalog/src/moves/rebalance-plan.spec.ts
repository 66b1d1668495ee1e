import { ShardMap, evenShardMap } from '@pa/pg-shards';
import { planRebalance } from './rebalance-plan';
import { mapForStep } from './move-steps';

function loadsAfter(map: ShardMap, nodes: number, rows: number[], moves: ReturnType<typeof planRebalance>): number[] {
  let current = map;
  for (const m of moves) current = { ...mapForStep(current, m, 'done'), version: current.version + 1 };
  const loads = new Array(nodes).fill(0);
  for (const r of current.ranges) for (let b = r.from; b <= r.to; b++) loads[r.shard] += rows[b] + 1;
  return loads;
}

describe('planRebalance', () => {
  it('gives a new, empty third node its share of an even two-node cluster, within 5%', () => {
    const rows = Array.from({ length: 4096 }, (_, b) => 1_000 + (b % 7) * 100);
    const moves = planRebalance(evenShardMap(2), 3, rows);
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every((m) => m.target === 2)).toBe(true);
    const loads = loadsAfter(evenShardMap(2), 3, rows, moves);
    const fair = loads.reduce((a, b) => a + b) / 3;
    for (const load of loads) expect(Math.abs(load - fair) / fair).toBeLessThan(0.05);
  });

  it('evens out bucket counts of an empty cluster, and plans nothing for an even one', () => {
    const empty = new Array(4096).fill(0);
    expect(planRebalance(evenShardMap(2), 2, empty)).toEqual([]);
    const loads = loadsAfter(evenShardMap(1), 4, empty, planRebalance(evenShardMap(1), 4, empty));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThan(4096 * 0.05);
  });

  it('moves contiguous runs that lie on their source, each valid in turn', () => {
    const rows = Array.from({ length: 4096 }, (_, b) => (b < 2048 ? 5_000 : 10));
    const moves = planRebalance(evenShardMap(2), 2, rows);
    expect(moves).toEqual([{ from: expect.any(Number), to: 2047, source: 0, target: 1 }]);
  });
});
