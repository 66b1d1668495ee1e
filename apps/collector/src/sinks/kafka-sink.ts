import type { Message } from 'kafkajs';
import { ProcessSnapshot, SNAPSHOT_RECORD_HEADERS, snapshotRecordOf } from '@pa/contracts';
import { BackpressureError, LogSink, PublishError, messageOf } from '@pa/kafka';
import { DeliveryOptions, DeliveryOutcome, DeliveryQueue, QueuedSnapshot } from './delivery-queue';

/** The slice of RecordProducer (@pa/kafka) the sink uses; a fake in specs. */
export interface SnapshotProducer {
  connect(): Promise<void>;
  send(topic: string, messages: Message[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaSinkOptions extends DeliveryOptions {
  topic: string;
  /** runs once before the first send, e.g. ensureTopics on the local stack */
  prepare?: () => Promise<void>;
  /** 'v2': produce schema version 2 (binary) records instead of JSON */
  recordFormat?: 'v1' | 'v2';
}

/**
 * Produces snapshots straight to Kafka, one record each: key = machine_id (so a machine's
 * snapshots stay in order on one partition), value = the snapshot JSON, and the contract's
 * content-type and schema-version headers. Connects lazily, so a broker that is down at start
 * is treated like one that goes down later: the data waits and is retried.
 */
export class KafkaSink extends DeliveryQueue {
  private isConnected = false;

  constructor(
    private readonly producer: SnapshotProducer,
    private readonly sinkOptions: KafkaSinkOptions,
    logger: LogSink,
    random?: () => number,
  ) {
    super((chunk) => this.produce(chunk), sinkOptions, logger, random);
  }

  override async close(giveUp: AbortSignal) {
    const stats = await super.close(giveUp);
    if (this.isConnected) await this.producer.disconnect().catch(() => undefined);
    return stats;
  }

  private async produce(chunk: QueuedSnapshot[]): Promise<DeliveryOutcome> {
    try {
      if (!this.isConnected) {
        await this.producer.connect();
        await this.sinkOptions.prepare?.();
        this.isConnected = true;
      }
      await this.producer.send(this.sinkOptions.topic, chunk.map(this.sinkOptions.recordFormat === 'v2' ? toV2Message : toMessage));
      return { kind: 'delivered' };
    } catch (error) {
      return outcomeOfKafkaError(error);
    }
  }
}

export function toMessage(snapshot: QueuedSnapshot): Message {
  return {
    key: snapshot.machineId,
    value: snapshot.json,
    headers: { ...SNAPSHOT_RECORD_HEADERS },
  };
}

/**
 * The snapshot as a schema version 2 record. The queue holds JSON (what the HTTP sink sends); it is
 * parsed back here, on the collector, so that the writer does not have to. The collector's own
 * snapshots have a valid ts and start_times; one that had not would be a bug, and throws.
 */
export function toV2Message(snapshot: QueuedSnapshot): Message {
  return snapshotRecordOf(JSON.parse(snapshot.json) as ProcessSnapshot, 'v2');
}

/**
 * Retriable Kafka errors (broker down, leader moving, our own backpressure) are retried. A
 * non-retriable one (a record or batch too large, a topic we may not write) is split down to
 * single records, so one bad record cannot hold back the others; a single one is then refused.
 */
function outcomeOfKafkaError(error: unknown): DeliveryOutcome {
  if (error instanceof BackpressureError) return { kind: 'retry', reason: error.message };
  if (error instanceof PublishError) {
    return error.retriable ? { kind: 'retry', reason: error.message, cause: error } : { kind: 'split', reason: error.message };
  }
  // connect() and prepare() throw kafkajs errors directly; without a broker nothing else can help.
  return { kind: 'retry', reason: `Kafka unavailable: ${messageOf(error)}`, cause: error };
}
