import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { GatewayConfig } from '@pa/config';
import { HEADER, SNAPSHOT_CONTENT_TYPE, SNAPSHOT_SCHEMA_VERSION, SNAPSHOT_V2_CONTENT_TYPE, SNAPSHOT_V2_SCHEMA_VERSION } from '@pa/contracts';
import { ProblemException } from '@pa/http';
import {
  CoalescingSender,
  PublishError,
  RecordProducer,
  createKafka,
  ensureTopics,
  isKafkaReachable,
  messageOf,
  topicMaxMessageBytes,
} from '@pa/kafka';
import { Kafka } from 'kafkajs';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { IngestErrorCode } from './ingest.errors';
import { publishProblem } from './publish-problem';
import { SnapshotRecord } from './snapshot-request.decoder';

/**
 * What Kafka adds to a snapshot's JSON in the batch the broker measures against the topic's
 * max.message.bytes: batch header (61 bytes), record framing, key (≤ 128 bytes), our headers
 * (about 150 bytes with a traceparent). Rounded up.
 */
const RECORD_OVERHEAD_BYTES = 1024;

const V2_HEADERS = { [HEADER.contentType]: SNAPSHOT_V2_CONTENT_TYPE, [HEADER.schemaVersion]: SNAPSHOT_V2_SCHEMA_VERSION };

/** Publishes validated snapshots to the snapshots topic and resolves only once Kafka has them all. */
@Injectable()
export class SnapshotPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotPublisher.name);
  private readonly kafka: Kafka;
  private readonly producer: RecordProducer;
  private readonly sender: CoalescingSender;
  /** the largest snapshot JSON the topic takes (its max.message.bytes less overhead), once read */
  private topicRecordBytes = Number.POSITIVE_INFINITY;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.kafka = createKafka({ ...config.kafka, logger: this.logger });
    // The sender is the one flow control: it gathers, limits records in flight, and hands the
    // producer one send at a time; the producer cuts each into requests the topic takes.
    this.producer = new RecordProducer(this.kafka, { ackTimeoutMs: config.kafka.produceTimeoutMs, compression: config.kafka.compression });
    this.sender = new CoalescingSender(this.producer, config.kafka.topic, config.kafka.maxInFlightRecords);
  }

  /** Boot fails (non-zero exit) when Kafka cannot be reached: better than a gateway that only answers 503. */
  async onModuleInit(): Promise<void> {
    const { topic, dlqTopic, partitions } = this.config.kafka;
    await ensureTopics(this.kafka, [
      { topic, numPartitions: partitions },
      { topic: dlqTopic, numPartitions: 1 },
    ]);
    await this.readTopicLimit();
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  /** The largest snapshot (its JSON, bytes) that is published: GATEWAY_MAX_RECORD_BYTES, or less when the topic takes less. */
  maxRecordBytes(): number {
    return Math.min(this.config.kafka.maxRecordBytes, this.topicRecordBytes);
  }

  /**
   * Resolves once Kafka acknowledged every record. Throws a ProblemException: 503 + Retry-After
   * when retrying can help (Kafka slow, down, too much waiting), 413 when Kafka refused a record
   * as too large, 500 when Kafka refuses the gateway for good (authorization, topic settings).
   */
  async publish(records: SnapshotRecord[]): Promise<void> {
    const messages = records.map((r) =>
      r.v2
        ? { key: r.machineId, value: r.v2, headers: V2_HEADERS }
        : { key: r.machineId, value: r.json, headers: { [HEADER.contentType]: SNAPSHOT_CONTENT_TYPE, [HEADER.schemaVersion]: SNAPSHOT_SCHEMA_VERSION } },
    );
    try {
      await withTimeout(this.sender.send(messages), this.config.kafka.produceTimeoutMs);
    } catch (error) {
      throw await this.toProblem(error, messages.length);
    }
  }

  isKafkaReachable(timeoutMs: number): Promise<boolean> {
    return isKafkaReachable(this.kafka, timeoutMs);
  }

  private async toProblem(error: unknown, records: number): Promise<ProblemException> {
    // The topic's limit was lowered since it was read (or could not be read): learn the new one.
    if (error instanceof PublishError && error.tooLarge) await this.readTopicLimit();
    const problem = publishProblem(error, { name: this.config.kafka.topic, maxRecordBytes: this.maxRecordBytes() });
    if (problem.status === 500) this.logger.error(error);
    else if (problem.code === IngestErrorCode.KAFKA_UNAVAILABLE) this.logger.warn(`publish of ${records} record(s) failed: ${messageOf(error)}`);
    return problem;
  }

  private async readTopicLimit(): Promise<void> {
    const { topic } = this.config.kafka;
    try {
      this.topicRecordBytes = (await topicMaxMessageBytes(this.kafka, topic)) - RECORD_OVERHEAD_BYTES;
    } catch (error) {
      // Kafka itself then refuses what is too large, and the answer is still a 413.
      this.logger.warn(`could not read max.message.bytes of ${topic}: ${messageOf(error)}`);
    }
  }
}

class TimeoutError extends Error {}

// The producer's own retries can outlast a client's patience; answer 503 at the deadline. A send
// that completes later is harmless: the client retries and the writer's ledger drops the duplicate.
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no acknowledgement within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
