import { Logger } from '@nestjs/common';
import { PgShardError, ShardRouter, ShardWriteError } from '@pa/pg-shards';
import { ShardWriter } from '../copy/shard-writer';
import { PartitionKey } from './partition-key';
import { PendingSnapshot, chunkByRows } from './pending-snapshot';
import { IngestPauseMeter } from './ingest-pause-meter';

export interface DispatchOptions {
  /** most process rows in one shard transaction */
  maxRows: number;
  /** first and longest pause between retries of a stopped shard, ms */
  retryMinMs: number;
  retryMaxMs: number;
}

/** Where snapshots go: the current shard map (ShardTopology in production, a fixed map in tests). */
export interface Routing {
  router(): ShardRouter;
  /** re-reads the shard map; true when its version changed */
  refresh(): Promise<boolean>;
}

export interface DispatchHooks {
  /** snapshots a shard refused for their content; must resolve once they are dead-lettered */
  deadLetter(refused: { item: PendingSnapshot; reason: string }[]): Promise<void>;
  /** parked snapshots of these partitions became durable: their offsets may move on */
  unparked(partitions: Set<PartitionKey>): Promise<void>;
  /** counts, for metrics and logs; `conflicts` are among the refused */
  stored(shard: number, counts: { inserted: number; duplicates: number; rows: number; conflicts: number }): void;
  /** a write to the shard failed for its availability; its snapshots are parked */
  failed(shard: number): void;
  /** a retry of parked snapshots failed for another reason than availability (a bug): stop */
  fatal(error: Error): void;
  /** a commit on `shard` ended an ingest pause of `ms` (IngestPauseMeter) */
  paused(shard: number, ms: number): void;
  /**
   * time a write spent on a bucket move: `fence_lock` waiting for the fence row (a move raising
   * it), `fenced_rewrite` from a write the fence refused to the end of its rewrite under the new map
   */
  waitedOnMove(cause: MoveWaitCause, ms: number): void;
}

export type MoveWaitCause = 'fence_lock' | 'fenced_rewrite';

/**
 * Routes snapshots to their shards and writes them, one transaction per shard per chunk (to two
 * shards while their bucket moves). When a shard is unavailable its snapshots are parked in
 * memory (offsets held back, so a crash replays them) while every other shard keeps receiving; a
 * retry loop writes them once it returns, routed by the map of that moment. A node that fences
 * off our map version (a move switched) makes us reload the map and route the rest again.
 */
export class ShardDispatcher {
  private readonly logger = new Logger(ShardDispatcher.name);
  private readonly parked = new Map<number, PendingSnapshot[]>();
  private readonly retryDelay = new Map<number, number>();
  private parkedBytesTotal = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pauses = new IngestPauseMeter();

  constructor(
    private readonly routing: Routing,
    private readonly writer: ShardWriter,
    private readonly options: DispatchOptions,
    private readonly hooks: DispatchHooks,
  ) {}

  get parkedBytes(): number {
    return this.parkedBytesTotal;
  }

  /** Shards currently unavailable (with parked snapshots). */
  downShards(): number[] {
    return [...this.parked.keys()];
  }

  /** Writes or parks every item; throws only on errors that are not about availability (bugs). */
  async dispatch(items: PendingSnapshot[]): Promise<void> {
    const router = this.routing.router();
    const byShard = new Map<number, PendingSnapshot[]>();
    for (const item of items) {
      for (const shard of router.writeShardsOf(item.snapshot.machine_id)) {
        const group = byShard.get(shard);
        if (group) group.push(item);
        else byShard.set(shard, [item]);
      }
    }
    await Promise.all([...byShard].map(([shard, group]) => this.dispatchToShard(shard, group, router.map.version)));
  }

  /** Lowest parked offset of a partition, or undefined. */
  lowestParked(partition: PartitionKey): bigint | undefined {
    let lowest: bigint | undefined;
    for (const items of this.parked.values()) {
      for (const item of items) {
        if (item.source !== partition) continue;
        const offset = BigInt(item.offset);
        if (lowest === undefined || offset < lowest) lowest = offset;
      }
    }
    return lowest;
  }

  /** Offsets of `partition` currently parked. */
  parkedOffsets(partition: PartitionKey): Set<string> {
    const offsets = new Set<string>();
    for (const items of this.parked.values()) for (const i of items) if (i.source === partition) offsets.add(i.offset);
    return offsets;
  }

  /** Drops everything parked: after a rebalance Kafka redelivers it from the committed offsets. */
  clear(): void {
    for (const shard of this.parked.keys()) this.pauses.end(shard);
    this.parked.clear();
    this.retryDelay.clear();
    this.parkedBytesTotal = 0;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private async dispatchToShard(shard: number, items: PendingSnapshot[], mapVersion: number): Promise<void> {
    this.pauses.begin(shard);
    try {
      await this.writeOrPark(shard, items, mapVersion);
    } finally {
      this.pauses.end(shard);
    }
  }

  private async writeOrPark(shard: number, items: PendingSnapshot[], mapVersion: number): Promise<void> {
    if (this.parked.has(shard)) return this.park(shard, items);
    const chunks = chunkByRows(items, this.options.maxRows);
    for (let i = 0; i < chunks.length; i++) {
      const startedMs = performance.now();
      try {
        await this.writeChunk(shard, chunks[i], mapVersion);
      } catch (error) {
        // Written again to every shard of the newer map (ours may be older than the map we hold
        // by now: a notification came meanwhile); where they already landed, the ledger drops them.
        if (error instanceof ShardWriteError && error.isFenced) {
          await this.routing.refresh().catch(() => false);
          if (this.routing.router().map.version > mapVersion) {
            await this.dispatch(chunks.slice(i).flat());
            return this.hooks.waitedOnMove('fenced_rewrite', performance.now() - startedMs);
          }
        }
        if (!(error instanceof PgShardError && error.retriable)) throw error;
        this.hooks.failed(shard);
        this.logger.warn(`shard ${shard} unavailable, parking its snapshots until it returns: ${error.message}`);
        return this.park(shard, chunks.slice(i).flat());
      }
    }
  }

  private async writeChunk(shard: number, chunk: PendingSnapshot[], mapVersion: number): Promise<void> {
    const outcome = await this.writer.write(shard, chunk, mapVersion);
    this.hooks.paused(shard, this.pauses.committed(shard));
    this.hooks.waitedOnMove('fence_lock', outcome.fenceWaitMs);
    this.hooks.stored(shard, outcome);
    if (outcome.refused.length) await this.hooks.deadLetter(outcome.refused);
  }

  private park(shard: number, items: PendingSnapshot[]): void {
    // Parked snapshots wait too: the pause they cause ends with the commit that writes them.
    if (!this.parked.has(shard)) this.pauses.begin(shard);
    const queue = this.parked.get(shard) ?? [];
    queue.push(...items);
    this.parked.set(shard, queue);
    this.parkedBytesTotal += items.reduce((n, i) => n + i.bytes, 0);
    if (!this.retryDelay.has(shard)) this.retryDelay.set(shard, this.options.retryMinMs);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped || this.parked.size === 0) return;
    const delay = Math.min(...this.retryDelay.values());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryParked().finally(() => this.scheduleRetry());
    }, delay);
  }

  private async retryParked(): Promise<void> {
    for (const [shard, queue] of [...this.parked]) {
      const items = queue.slice();
      const drained = new Set<PartitionKey>();
      try {
        // The map may have changed while they waited (a move began or switched): each goes to every
        // shard it is written to now, this one if it still is; the ledger drops what is there already.
        await this.routing.refresh().catch(() => false);
        const router = this.routing.router();
        const here = items.filter((i) => router.writeShardsOf(i.snapshot.machine_id).includes(shard));
        for (const chunk of chunkByRows(here, this.options.maxRows)) {
          await this.writeChunk(shard, chunk, router.map.version);
          chunk.forEach((i) => drained.add(i.source));
        }
        const elsewhere = new Map<number, PendingSnapshot[]>();
        for (const item of items) {
          for (const other of router.writeShardsOf(item.snapshot.machine_id).filter((s) => s !== shard)) {
            elsewhere.set(other, [...(elsewhere.get(other) ?? []), item]);
          }
          drained.add(item.source);
        }
        await Promise.all([...elsewhere].map(([other, group]) => this.dispatchToShard(other, group, router.map.version)));
        this.unpark(shard, items);
        this.logger.log(`shard ${shard} is back: ${items.length} parked snapshots written`);
        await this.hooks.unparked(drained);
      } catch (error) {
        if (!(error instanceof PgShardError && error.retriable)) return this.hooks.fatal(error as Error);
        this.hooks.failed(shard);
        // Already-written chunks stay parked too; rewriting them is a no-op thanks to the ledger.
        const next = Math.min((this.retryDelay.get(shard) ?? this.options.retryMinMs) * 2, this.options.retryMaxMs);
        this.retryDelay.set(shard, next);
        this.logger.warn(`shard ${shard} still unavailable (${(error as Error).message}); next try in ${next} ms`);
      }
    }
  }

  private unpark(shard: number, written: PendingSnapshot[]): void {
    const queue = this.parked.get(shard);
    if (!queue) return;
    // Items parked while we were writing stay; only the written ones leave (by identity, since a
    // rebalance may have cleared and refilled the queue meanwhile).
    const done = new Set(written);
    const rest = queue.filter((i) => !done.has(i));
    for (const item of queue) if (done.has(item)) this.parkedBytesTotal -= item.bytes;
    if (rest.length) this.parked.set(shard, rest);
    else {
      this.parked.delete(shard);
      this.retryDelay.delete(shard);
      this.pauses.end(shard);
    }
  }
}
