import { ProcessSnapshot } from '@pa/contracts';

/** Counters of one sink since it started. */
export interface DeliveryStats {
  /** snapshots the gateway or Kafka acknowledged */
  snapshotsSent: number;
  /** process rows in those snapshots */
  rowsSent: number;
  /** snapshots refused as invalid (400) and not retried; each refusal is logged */
  snapshotsRejected: number;
  /** requests or sends that failed and were retried */
  failedAttempts: number;
  /** snapshots waiting or in flight */
  buffered: number;
  /** snapshots given up at shutdown (set by close) */
  snapshotsUnsent: number;
}

/** Where snapshots go: the ingest gateway over HTTP, or Kafka directly. */
export interface SnapshotSink {
  /**
   * Takes snapshots for delivery; resolves once they are buffered, waiting while the buffer is
   * full. When `stop` aborts it stops waiting and buffers them anyway, so close() can count them.
   */
  send(snapshots: ProcessSnapshot[], stop?: AbortSignal): Promise<void>;
  stats(): DeliveryStats;
  /** Keeps delivering until everything is sent or `giveUp` aborts, then reports what was left unsent. */
  close(giveUp: AbortSignal): Promise<DeliveryStats>;
}
