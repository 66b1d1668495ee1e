import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { GatewayConfig } from '@pa/config';
import { HEADER, SNAPSHOT_CONTENT_TYPE, SNAPSHOT_SCHEMA_VERSION } from '@pa/contracts';
import { BackpressureError, CoalescingSender, RecordProducer, createKafka, ensureTopics, isKafkaReachable } from '@pa/kafka';
import { Kafka } from 'kafkajs';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { IngestErrorCode, ingestProblem } from './ingest.errors';
import { SnapshotRecord } from './snapshot-request.decoder';

/** Publishes validated snapshots to the snapshots topic and resolves only once Kafka has them all. */
@Injectable()
export class SnapshotPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotPublisher.name);
  private readonly kafka: Kafka;
  private readonly producer: RecordProducer;
  private readonly sender: CoalescingSender;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.kafka = createKafka({ ...config.kafka, logger: this.logger });
    // The sender enforces the in-flight limit over everything queued; the producer sees one send at a time.
    this.producer = new RecordProducer(this.kafka, { ackTimeoutMs: config.kafka.produceTimeoutMs, maxInFlightRecords: Number.MAX_SAFE_INTEGER });
    this.sender = new CoalescingSender(this.producer, config.kafka.topic, config.kafka.maxInFlightRecords);
  }

  /** Boot fails (non-zero exit) when Kafka cannot be reached: better than a gateway that only answers 503. */
  async onModuleInit(): Promise<void> {
    const { topic, dlqTopic, partitions } = this.config.kafka;
    await ensureTopics(this.kafka, [
      { topic, numPartitions: partitions },
      { topic: dlqTopic, numPartitions: 1 },
    ]);
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Throws a 503 ProblemException (with Retry-After) when Kafka does not acknowledge in time. */
  async publish(records: SnapshotRecord[]): Promise<void> {
    const messages = records.map((r) => ({
      key: r.machineId,
      value: r.json,
      headers: { [HEADER.contentType]: SNAPSHOT_CONTENT_TYPE, [HEADER.schemaVersion]: SNAPSHOT_SCHEMA_VERSION },
    }));
    try {
      await withTimeout(this.sender.send(messages), this.config.kafka.produceTimeoutMs);
    } catch (error) {
      if (error instanceof BackpressureError) {
        throw ingestProblem(IngestErrorCode.BACKPRESSURE, `${error.message}; retry later`, { headers: { 'retry-after': '1' } });
      }
      this.logger.warn(`publish of ${messages.length} record(s) failed: ${(error as Error).message}`);
      throw ingestProblem(IngestErrorCode.KAFKA_UNAVAILABLE, 'Kafka did not acknowledge the snapshots; nothing was accepted, retry later', {
        headers: { 'retry-after': '5' },
      });
    }
  }

  isKafkaReachable(timeoutMs: number): Promise<boolean> {
    return isKafkaReachable(this.kafka, timeoutMs);
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
