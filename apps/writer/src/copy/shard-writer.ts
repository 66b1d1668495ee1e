import { ValidSnapshot, processCount } from '@pa/contracts';
import { DayPartitions, ShardBatchResult, ShardPools, ShardWriteError, isShardSideError, writeShardBatch } from '@pa/pg-shards';
import { Pool } from 'pg';
import { tracerFor, withSpan } from '@pa/telemetry';
import { PendingSnapshot } from '../batching/pending-snapshot';

export interface ShardWriteOutcome extends Omit<ShardBatchResult, 'conflicts'> {
  /** snapshots the shard refused for their content (not its availability): they go to the DLQ */
  refused: { item: PendingSnapshot; reason: string }[];
  /** how many of `refused` conflict with a stored snapshot (same machine_id and ts, other content) */
  conflicts: number;
}

/** Stores snapshots on one shard in one transaction (writeShardBatch; a double in unit tests). */
export type WriteBatch = (pool: Pool, snapshots: ValidSnapshot[], shard: number, mapVersion: number) => Promise<ShardBatchResult>;

const tracer = tracerFor('writer');

/**
 * Writes groups of snapshots to one shard. Throws a retriable ShardWriteError when the shard is
 * unavailable; when the shard refuses the data itself, finds the offending snapshots one by one
 * so that one poison snapshot cannot block a partition forever. Anything else (a programmer
 * error in our encoding, a permission or schema error) is thrown as it is: it is not the
 * snapshot's fault, and isolating it would dead-letter every snapshot of the topic.
 */
export class ShardWriter {
  private readonly partitions = new DayPartitions();

  constructor(
    private readonly pools: ShardPools,
    /** told how long each successful shard transaction took, seconds */
    private readonly observeSeconds: (shard: number, seconds: number) => void = () => undefined,
    private readonly writeBatch: WriteBatch = writeShardBatch,
  ) {}

  /** Writes `items` to `shard` as a writer of shard map version `mapVersion` (checked against the node's fence). */
  async write(shard: number, items: PendingSnapshot[], mapVersion: number): Promise<ShardWriteOutcome> {
    try {
      return withConflictsRefused(await this.writeOnce(shard, items, mapVersion), items);
    } catch (error) {
      if (error instanceof ShardWriteError && error.isDataRefusal) return this.isolate(shard, items, mapVersion);
      throw error;
    }
  }

  private async writeOnce(shard: number, items: PendingSnapshot[], mapVersion: number): Promise<ShardBatchResult> {
    const snapshots = items.map((i) => i.snapshot);
    const rows = snapshots.reduce((n, s) => n + processCount(s), 0);
    const started = performance.now();
    try {
      const pool = this.pools.pool(shard);
      const result = await withSpan(tracer, 'shard.write', { shard, rows, snapshots: snapshots.length }, async (span) => {
        await this.partitions.ensure(shard, pool, snapshots.map((s) => s.tsMs));
        const r = await this.writeBatch(pool, snapshots, shard, mapVersion);
        span.setAttributes({ 'rows.copied': r.rows, 'snapshots.duplicate': r.duplicates });
        return r;
      });
      this.observeSeconds(shard, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      // 23514 / 42P01: a day partition is missing (dropped behind our back); forget the cache, the retry creates it.
      const code = (error as { code?: string }).code;
      if (code === '23514' || code === '42P01') this.partitions.forget(shard);
      if (!isShardSideError(error)) throw error;
      throw new ShardWriteError(shard, rows, error);
    }
  }

  private async isolate(shard: number, items: PendingSnapshot[], mapVersion: number): Promise<ShardWriteOutcome> {
    const outcome: ShardWriteOutcome = { inserted: 0, duplicates: 0, rows: 0, refused: [], conflicts: 0, fenceWaitMs: 0 };
    for (const item of items) {
      try {
        const r = withConflictsRefused(await this.writeOnce(shard, [item], mapVersion), [item]);
        outcome.inserted += r.inserted;
        outcome.duplicates += r.duplicates;
        outcome.rows += r.rows;
        outcome.refused.push(...r.refused);
        outcome.conflicts += r.conflicts;
        outcome.fenceWaitMs = Math.max(outcome.fenceWaitMs, r.fenceWaitMs);
      } catch (error) {
        if (error instanceof ShardWriteError && error.isDataRefusal) {
          outcome.refused.push({ item, reason: `shard ${shard} refused the snapshot: ${(error.cause as Error)?.message}` });
        } else throw error;
      }
    }
    return outcome;
  }
}

/** Turns the ledger's conflicts into refusals with a reason, matched to their records by identity. */
function withConflictsRefused(result: ShardBatchResult, items: PendingSnapshot[]): ShardWriteOutcome {
  const { conflicts, ...counts } = result;
  if (conflicts.length === 0) return { ...counts, refused: [], conflicts: 0 };
  const conflicting = new Set(conflicts);
  const refused = items
    .filter((i) => conflicting.has(i.snapshot))
    .map((item) => ({ item, reason: conflictReason(item.snapshot) }));
  return { ...counts, refused, conflicts: refused.length };
}

function conflictReason(s: ValidSnapshot): string {
  return `conflict: a different snapshot of machine_id ${s.machine_id} at ts ${new Date(s.tsMs).toISOString()} is already stored (same machine_id and ts, other content); not stored`;
}
