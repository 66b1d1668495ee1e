import { ShardMap } from '@pa/pg-shards';
import { Move } from './move-steps';

/** Process rows per bucket (index = bucket, 4096 entries) of the buckets each node owns. */
export type BucketWeights = number[];

/** A move is planned only while the heaviest node is this much over its fair share. */
const TOLERANCE = 0.05;
const MAX_MOVES = 32;

/**
 * Moves that even out the rows per node: while a node is more than 5% over its fair share, the
 * lightest node takes a contiguous run of buckets from the end of the heaviest node's ranges,
 * about as heavy as the smaller of the two differences. Each bucket weighs its rows plus one, so
 * an empty cluster evens out the bucket counts. Pure: the caller runs the moves in order.
 */
export function planRebalance(map: ShardMap, nodeCount: number, rows: BucketWeights): Move[] {
  const weight = rows.map((r) => r + 1);
  const owner = ownersOf(map);
  const moves: Move[] = [];
  for (let i = 0; i < MAX_MOVES; i++) {
    const loads = Array.from({ length: nodeCount }, (_, node) => weight.reduce((n, w, b) => (owner[b] === node ? n + w : n), 0));
    const fair = loads.reduce((a, b) => a + b, 0) / nodeCount;
    const heavy = loads.indexOf(Math.max(...loads));
    const light = loads.indexOf(Math.min(...loads));
    if (loads[heavy] <= fair * (1 + TOLERANCE) || heavy === light) break;
    const want = Math.min(loads[heavy] - fair, fair - loads[light]);
    const move = takeFromEnd(owner, weight, heavy, light, want);
    if (!move) break;
    for (let b = move.from; b <= move.to; b++) owner[b] = light;
    moves.push(move);
  }
  return moves;
}

function ownersOf(map: ShardMap): number[] {
  const owner = new Array<number>(4096);
  for (const r of map.ranges) for (let b = r.from; b <= r.to; b++) owner[b] = r.shard;
  return owner;
}

/** The longest run of `heavy`'s buckets ending at its last bucket whose weight stays within `want` (at least one bucket). */
function takeFromEnd(owner: number[], weight: number[], heavy: number, light: number, want: number): Move | undefined {
  const last = owner.lastIndexOf(heavy);
  if (last < 0) return undefined;
  let from = last;
  let taken = weight[last];
  while (from > 0 && owner[from - 1] === heavy && taken + weight[from - 1] <= want) taken += weight[--from];
  return { from, to: last, source: heavy, target: light };
}
