import { BucketRange, ShardMap, StaleRange } from '@pa/pg-shards';

/**
 * The steps of a bucket move, in order. Each publishes one shard map version (from the map the
 * move started with), so a reader or writer on any version in between is right:
 *
 *   exclude        readers leave the target's rows of the range out (none yet, but soon)
 *   dual_write     writers write the range to source and target; the history is copied, verified
 *   switch_reads   readers read the range from the target; writers still write both ways (a
 *                  reader not yet on this version reads the source, which stays complete)
 *   switch_writes  writers write the target only; the source's rows are left out, then deleted
 *   done           the source holds nothing of the range any more
 *
 * Citus blocks writes for its final catch-up and Vitess switches reads, then writes, keeping
 * reverse replication for rollback; writing both ways while the copy runs (the ledger drops what
 * lands twice) means writes never stop here, only wait out one fence (see fence.ts).
 */
export const MOVE_STEPS = ['exclude', 'dual_write', 'switch_reads', 'switch_writes', 'done'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

export interface Move {
  from: number;
  to: number;
  source: number;
  target: number;
}

/** The map of `step` for `move`, derived from `base` (the map before the move; its version is not kept). */
export function mapForStep(base: Omit<ShardMap, 'version'>, move: Move, step: MoveStep): Omit<ShardMap, 'version'> {
  const owner = step === 'switch_reads' || step === 'switch_writes' || step === 'done' ? move.target : move.source;
  const alsoWrite = step === 'dual_write' ? move.target : step === 'switch_reads' ? move.source : undefined;
  const staleOn = step === 'exclude' || step === 'dual_write' ? move.target : step === 'done' ? undefined : move.source;
  const ranges = reassign(base.ranges, move, owner, alsoWrite);
  const others = (base.stale ?? []).filter((s) => !overlaps(s, move));
  const stale: StaleRange[] = staleOn === undefined ? others : [...others, { shard: staleOn, from: move.from, to: move.to }];
  return { ranges, stale };
}

/** Ranges with [move.from, move.to] split out and given to `owner` (and `alsoWrite`); neighbours merged back. */
function reassign(ranges: BucketRange[], move: Move, owner: number, alsoWrite: number | undefined): BucketRange[] {
  const out: BucketRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.from - b.from)) {
    if (r.to < move.from || r.from > move.to) out.push(r);
    else {
      if (r.from < move.from) out.push({ ...r, to: move.from - 1 });
      if (r.to > move.to) out.push({ ...r, from: move.to + 1 });
    }
  }
  out.push(alsoWrite === undefined ? { from: move.from, to: move.to, shard: owner } : { from: move.from, to: move.to, shard: owner, alsoWrite });
  return merge(out.sort((a, b) => a.from - b.from));
}

function merge(sorted: BucketRange[]): BucketRange[] {
  const out: BucketRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.to + 1 === r.from && last.shard === r.shard && last.alsoWrite === r.alsoWrite) last.to = r.to;
    else out.push({ ...r });
  }
  return out;
}

function overlaps(a: { from: number; to: number }, b: { from: number; to: number }): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/** The step after `step`, or undefined after `done`. */
export function nextStep(step: MoveStep): MoveStep | undefined {
  return MOVE_STEPS[MOVE_STEPS.indexOf(step) + 1];
}

/** Throws RangeError unless [from, to] lies wholly on `source` in `map`, unmoving, and `target` differs. */
export function assertMovable(map: ShardMap, move: Move, nodeCount: number): void {
  if (!(Number.isInteger(move.from) && Number.isInteger(move.to) && move.from >= 0 && move.to <= 4095 && move.from <= move.to)) {
    throw new RangeError(`buckets ${move.from}-${move.to}: need 0 ≤ A ≤ B ≤ 4095`);
  }
  if (move.target < 0 || move.target >= nodeCount) throw new RangeError(`node ${move.target} does not exist (have 0–${nodeCount - 1})`);
  const covering = map.ranges.filter((r) => overlaps(r, move));
  if (covering.some((r) => r.shard !== move.source || r.alsoWrite !== undefined)) {
    throw new RangeError(`buckets ${move.from}-${move.to} are not all on node ${move.source} at rest (split the move per source node)`);
  }
  if (move.target === move.source) throw new RangeError(`buckets ${move.from}-${move.to} are on node ${move.target} already`);
  if ((map.stale ?? []).some((s) => overlaps(s, move))) throw new RangeError(`buckets ${move.from}-${move.to} are still being cleaned up after a move`);
}
