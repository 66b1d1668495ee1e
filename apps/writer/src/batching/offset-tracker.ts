import { PartitionKey } from './partition-key';

/**
 * Per partition (of any topic the writer consumes), the offset that is safe to commit: everything below it is durable or dead-lettered.
 * That is the lowest offset still parked (waiting for a stopped shard), or else the end of what
 * was processed. Offsets are decimal strings in kafkajs; compared as BigInt.
 */
export class OffsetTracker {
  private readonly processedUpTo = new Map<PartitionKey, bigint>();
  private readonly committed = new Map<PartitionKey, bigint>();

  /** Every offset of `partition` below `nextOffset` has been handled (stored, parked or dead-lettered). */
  markProcessed(partition: PartitionKey, nextOffset: bigint): void {
    const known = this.processedUpTo.get(partition);
    if (known === undefined || nextOffset > known) this.processedUpTo.set(partition, nextOffset);
  }

  /** The offset to commit now for `partition`, or undefined when nothing new is safe to commit. */
  committable(partition: PartitionKey, lowestParked: bigint | undefined): bigint | undefined {
    const processed = this.processedUpTo.get(partition);
    if (processed === undefined) return undefined;
    const safe = lowestParked !== undefined && lowestParked < processed ? lowestParked : processed;
    const committed = this.committed.get(partition);
    return committed === undefined || safe > committed ? safe : undefined;
  }

  markCommitted(partition: PartitionKey, offset: bigint): void {
    this.committed.set(partition, offset);
  }

  partitions(): PartitionKey[] {
    return [...this.processedUpTo.keys()];
  }

  /** After a rebalance the group's committed offsets are the truth again. */
  reset(): void {
    this.processedUpTo.clear();
    this.committed.clear();
  }
}
