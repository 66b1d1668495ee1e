import { DayPartitions, ShardBatchResult, ShardPools, ShardWriteError, writeShardBatch } from '@pa/pg-shards';
import { tracerFor, withSpan } from '@pa/telemetry';
import { PendingSnapshot } from '../batching/pending-snapshot';

export interface ShardWriteOutcome extends ShardBatchResult {
  /** snapshots the shard refused for their content (not its availability): they go to the DLQ */
  refused: { item: PendingSnapshot; reason: string }[];
}

/**
 * Writes groups of snapshots to one shard. Throws a retriable ShardWriteError when the shard is
 * unavailable; when the shard refuses the data itself, finds the offending snapshots one by one
 * so that one poison snapshot cannot block a partition forever.
 */
const tracer = tracerFor('writer');

export class ShardWriter {
  private readonly partitions = new DayPartitions();

  constructor(
    private readonly pools: ShardPools,
    /** told how long each successful shard transaction took, seconds */
    private readonly observeSeconds: (shard: number, seconds: number) => void = () => undefined,
  ) {}

  async write(shard: number, items: PendingSnapshot[]): Promise<ShardWriteOutcome> {
    try {
      return { ...(await this.writeOnce(shard, items)), refused: [] };
    } catch (error) {
      if (error instanceof ShardWriteError && !error.retriable) return this.isolate(shard, items);
      throw error;
    }
  }

  private async writeOnce(shard: number, items: PendingSnapshot[]): Promise<ShardBatchResult> {
    const snapshots = items.map((i) => i.snapshot);
    const rows = snapshots.reduce((n, s) => n + s.processes.length, 0);
    const started = performance.now();
    try {
      const pool = this.pools.pool(shard);
      const result = await withSpan(tracer, 'shard.write', { shard, rows, snapshots: snapshots.length }, async (span) => {
        await this.partitions.ensure(shard, pool, snapshots.map((s) => s.tsMs));
        const r = await writeShardBatch(pool, snapshots, shard);
        span.setAttributes({ 'rows.copied': r.rows, 'snapshots.duplicate': r.duplicates });
        return r;
      });
      this.observeSeconds(shard, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      // 23514 / 42P01: a day partition is missing (dropped behind our back); forget the cache, the retry creates it.
      const code = (error as { code?: string }).code;
      if (code === '23514' || code === '42P01') this.partitions.forget(shard);
      throw new ShardWriteError(shard, rows, error);
    }
  }

  private async isolate(shard: number, items: PendingSnapshot[]): Promise<ShardWriteOutcome> {
    const outcome: ShardWriteOutcome = { inserted: 0, duplicates: 0, rows: 0, refused: [] };
    for (const item of items) {
      try {
        const r = await this.writeOnce(shard, [item]);
        outcome.inserted += r.inserted;
        outcome.duplicates += r.duplicates;
        outcome.rows += r.rows;
      } catch (error) {
        if (error instanceof ShardWriteError && !error.retriable) {
          outcome.refused.push({ item, reason: `shard ${shard} refused the snapshot: ${(error.cause as Error)?.message}` });
        } else throw error;
      }
    }
    return outcome;
  }
}
