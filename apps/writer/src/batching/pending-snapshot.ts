import { KafkaMessage } from 'kafkajs';
import { ValidSnapshot, processCount } from '@pa/contracts';
import { PartitionKey } from './partition-key';

/** A validated snapshot on its way to a shard, with the Kafka position it must be acknowledged at. */
export interface PendingSnapshot {
  snapshot: ValidSnapshot;
  /** the topic and partition it was read from */
  source: PartitionKey;
  /** Kafka offset, as kafkajs gives it (a decimal string) */
  offset: string;
  /** size of the record's value, for the parked-memory bound */
  bytes: number;
  /** the original record, for the DLQ should the shard refuse it */
  message: KafkaMessage;
}

/** Splits items into groups of at most `maxRows` process rows (a snapshot is never split). */
export function chunkByRows(items: PendingSnapshot[], maxRows: number): PendingSnapshot[][] {
  const chunks: PendingSnapshot[][] = [];
  let current: PendingSnapshot[] = [];
  let rows = 0;
  for (const item of items) {
    const n = Math.max(1, processCount(item.snapshot));
    if (current.length > 0 && rows + n > maxRows) {
      chunks.push(current);
      current = [];
      rows = 0;
    }
    current.push(item);
    rows += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
