import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { WriterConfig } from '@pa/config';
import { CmdlineFieldMemo, createCommandLineScrubber, memoizeScrubber, tenantTopicPattern } from '@pa/contracts';
import { KafkaLibError, RecordProducer, consumerLag, createKafka, ensureTopics, isKafkaReachable } from '@pa/kafka';
import { ShardTopology, openServiceTopology } from '@pa/catalog';
import { tracerFor, withSpan } from '@pa/telemetry';
import { ShardDispatcher } from '../batching/shard-dispatcher';
import { OffsetTracker } from '../batching/offset-tracker';
import { PendingSnapshot } from '../batching/pending-snapshot';
import { Decoded, decodedSlices } from '../batching/decoded-slices';
import { PartitionKey, partitionKey, splitPartitionKey } from '../batching/partition-key';
import { ShardWriter } from '../copy/shard-writer';
import { DeadLetter, DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { WRITER_CONFIG } from '../writer.tokens';
import { BatchTrace } from './batch-trace';
import { DecodeRules, decodeRecord } from './record-decoder';
import { TenantBoundary } from './tenant-boundary';
import { WriterMetrics } from './writer.metrics';
import { METRICS_REGISTRY } from '@pa/telemetry';
import { Registry } from 'prom-client';

const tracer = tracerFor('writer');
/** An ingest pause this long is logged (half of issue 12's 2 s target for a move). */
const LONG_PAUSE_MS = 1_000;

/**
 * Consumes the snapshots topic and its tenant topics (`proc.tenant.<tenant>.…`, written by
 * collectors producing directly) in batches and makes each record durable on its shard before its
 * offset is committed (DESIGN.md, "Delivery: effectively once"). A record on a tenant topic whose
 * machine is not that tenant's is dead-lettered (TenantBoundary).
 */
@Injectable()
export class SnapshotConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotConsumer.name);
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly dlqProducer: RecordProducer;
  private readonly deadLetters: DeadLetterPublisher;
  private topology!: ShardTopology;
  private dispatcher!: ShardDispatcher;
  private readonly offsets = new OffsetTracker();
  private readonly metrics: WriterMetrics;
  private readonly tenants: TenantBoundary;
  /** for records produced to Kafka directly (the gateway's are already scrubbed; scrubbing twice changes nothing) */
  private readonly scrub: DecodeRules['scrub'];
  private isRunning = false;
  /** bumped on every group join; a batch that started in an older generation must not commit */
  private generation = 0;
  readonly counters = { consumed: 0, inserted: 0, duplicates: 0, rows: 0, conflicts: 0, deadLettered: 0 };
  /** epoch ms: since when the consumer runs (group joined), and when rows were last stored (a drain's exact span) */
  readonly timeline: { consumingSinceMs?: number; lastStoredAtMs?: number } = {};

  constructor(@Inject(WRITER_CONFIG) private readonly config: WriterConfig, @Inject(METRICS_REGISTRY) registry: Registry) {
    this.kafka = createKafka({ ...config.kafka, logger: this.logger });
    this.consumer = this.kafka.consumer({
      groupId: config.kafka.groupId,
      maxBytesPerPartition: config.kafka.maxBytesPerPartition,
      maxBytes: config.kafka.maxBytes,
      maxWaitTimeInMs: config.batch.maxWaitMs,
      sessionTimeout: config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(config.kafka.sessionTimeoutMs / 3)),
    });
    const { enabled, extraWords } = config.scrubbing;
    // Memoized: command lines repeat snapshot after snapshot (one scrub is a dozen regular expressions).
    const scrubber = createCommandLineScrubber({ extraWords });
    this.scrub = enabled ? { lines: memoizeScrubber(scrubber), fields: new CmdlineFieldMemo(scrubber) } : undefined;
    this.dlqProducer = new RecordProducer(this.kafka, { ackTimeoutMs: 30_000, maxInFlightRecords: 1_000_000 });
    this.deadLetters = new DeadLetterPublisher(this.dlqProducer, config.kafka.dlqTopic);
    this.tenants = new TenantBoundary(config.kafka.topic);
    this.metrics = new WriterMetrics(registry, () => this.lag(), () => ({
      bytes: this.dispatcher?.parkedBytes ?? 0,
      shardsDown: this.dispatcher?.downShards() ?? [],
    }));
  }

  /** Reads the shard map from the catalog (refusing a PG_SHARDS that disagrees with it) and follows it. */
  private openTopology(): Promise<ShardTopology> {
    return openServiceTopology(this.config.shards, { applicationName: 'pa-writer', logger: this.logger });
  }

  private createDispatcher(topology: ShardTopology): ShardDispatcher {
    return new ShardDispatcher(
      { router: () => topology.router, refresh: () => topology.refresh() },
      new ShardWriter(topology.pools, (shard, seconds) => this.metrics.copySeconds.observe({ shard: String(shard) }, seconds)),
      { maxRows: this.config.batch.maxRows, retryMinMs: 500, retryMaxMs: 10_000 },
      {
        deadLetter: (refused) => this.deadLetter(refused.map(({ item, reason }) => toDeadLetter(item, reason))),
        unparked: (partitions) => this.commit([...partitions]),
        stored: (shard, { inserted, duplicates, rows, conflicts }) => {
          const labels = { shard: String(shard) };
          this.metrics.snapshotsStored.inc(labels, inserted);
          this.metrics.duplicates.inc(labels, duplicates);
          this.metrics.rowsCopied.inc(labels, rows);
          this.metrics.conflicts.inc(labels, conflicts);
          this.counters.inserted += inserted;
          this.counters.duplicates += duplicates;
          this.counters.rows += rows;
          this.counters.conflicts += conflicts;
          if (rows > 0) this.timeline.lastStoredAtMs = Date.now();
        },
        failed: (shard) => this.metrics.shardErrors.inc({ shard: String(shard) }),
        fatal: (error) => this.exitForGood(error),
        paused: (shard, ms) => {
          this.metrics.ingestPause.observe({ shard: String(shard) }, ms / 1000);
          if (ms >= LONG_PAUSE_MS) this.logger.warn(`shard ${shard}: ingest paused ${Math.round(ms)} ms (no commit while its snapshots waited)`);
        },
        waitedOnMove: (cause, ms) => this.metrics.moveWait.observe({ cause }, ms / 1000),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.topology = await this.openTopology();
    this.dispatcher = this.createDispatcher(this.topology);
    const { topic, dlqTopic, partitions } = this.config.kafka;
    await ensureTopics(this.kafka, [
      { topic, numPartitions: partitions },
      { topic: dlqTopic, numPartitions: 1 },
    ]);
    await this.dlqProducer.connect();
    await this.consumer.connect();
    // A rebalance hands partitions around: what we parked is redelivered from committed offsets.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.generation++;
      this.dispatcher.clear();
      this.offsets.reset();
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.logger.error(new Error(`consumer crashed: ${event.payload.error.message}`));
      if (!event.payload.restart) this.exitForGood(event.payload.error);
    });
    // kafkajs resolves the pattern against the topics that exist now: a tenant added later is
    // consumed after the writer's next start (from its first record: no committed offset yet).
    await this.consumer.subscribe({ topics: [topic, tenantTopicPattern(topic)], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.config.kafka.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.isRunning = true;
    this.timeline.consumingSinceMs = Date.now();
  }

  async onApplicationShutdown(): Promise<void> {
    this.isRunning = false;
    this.dispatcher?.stop();
    await this.consumer.disconnect().catch((e: Error) => this.logger.warn(`consumer disconnect: ${e.message}`));
    await this.dlqProducer.disconnect().catch(() => undefined);
    await this.topology?.close();
  }

  /**
   * kafkajs restarts its consumer after a retriable crash only; after any other it stays stopped
   * for good. A writer process that no longer consumes but still answers /readyz would hide that:
   * exit instead, so that the next writer resumes from the committed offsets.
   */
  private exitForGood(error: Error): void {
    this.isRunning = false;
    this.logger.error(error);
    this.logger.error(`the consumer will not restart after "${error.message}"; exiting`);
    process.exit(1);
  }

  /** Ready when the consumer runs and Kafka answers. */
  async isReady(): Promise<boolean> {
    return this.isRunning && (await isKafkaReachable(this.kafka, 2_000));
  }

  downShards(): number[] {
    return this.dispatcher.downShards();
  }

  private async lag(): Promise<{ partition: number; lag: number }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await consumerLag(admin, this.config.kafka.groupId, this.config.kafka.topic);
    } finally {
      await admin.disconnect();
    }
  }

  private async handleBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.waitWhileTooMuchParked(heartbeat, () => isRunning() && !isStale());
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const generation = this.generation;
    const trace = BatchTrace.start(tracer, batch.topic, batch.partition, batch.messages);
    const source = partitionKey(batch.topic, batch.partition);
    let rows = 0;
    try {
      rows = await context.with(trace.context, () => this.storeBatch(source, batch.messages)).catch((error: unknown) => {
        // Kafka being away (the DLQ publish) is kafkajs's to retry; anything else is a bug or a
        // broken shard setup: crash, uncommitted, rather than dead-letter good data (issue 14).
        if (error instanceof KafkaLibError && error.retriable) throw error;
        return this.exitForGood(error as Error) as never;
      });
      await heartbeat();
      // Parked records of this batch were dropped by a rebalance meanwhile: committing now would skip them.
      if (generation !== this.generation) return;
      resolveOffset(batch.lastOffset());
      this.offsets.markProcessed(source, BigInt(batch.lastOffset()) + 1n);
      await context.with(trace.context, () => this.commit([source]));
    } finally {
      trace.end({ 'rows.copied': rows }, this.dispatcher.parkedOffsets(source));
    }
  }

  /**
   * Dead-letters what cannot be stored and writes (or parks) the rest, slice by slice of about
   * WRITER_BATCH_MAX_ROWS rows (decodedSlices: a large fetch is never decoded whole); returns the valid rows.
   */
  private async storeBatch(source: PartitionKey, messages: EachBatchPayload['batch']['messages']): Promise<number> {
    const now = Date.now();
    const { topic } = splitPartitionKey(source);
    const decode = (message: KafkaMessage): Decoded<DeadLetter> => {
      const decoded = decodeRecord(message, { nowMs: now, retentionMs: this.config.retentionMs, scrub: this.scrub });
      if (!decoded.ok) return { ok: false, letter: toDeadLetter({ source, offset: decoded.offset, message }, decoded.reason) };
      const foreign = this.tenants.refusal(topic, decoded.snapshot.machine_id);
      if (foreign !== undefined) {
        this.metrics.foreignMachines.inc({ tenant: this.tenants.tenantOf(topic) });
        return { ok: false, letter: toDeadLetter({ source, offset: decoded.offset, message }, foreign) };
      }
      return { ok: true, item: { snapshot: decoded.snapshot, source, offset: decoded.offset, bytes: decoded.bytes, message } };
    };
    this.counters.consumed += messages.length;
    this.metrics.consumed.inc(messages.length);
    let rows = 0;
    for (const slice of decodedSlices(messages, decode, this.config.batch.maxRows)) {
      await this.deadLetter(slice.invalid);
      await this.dispatcher.dispatch(slice.valid);
      rows += slice.rows;
    }
    this.metrics.batchRows.observe(rows);
    return rows;
  }

  private async deadLetter(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.deadLetters.publish(letters);
    this.counters.deadLettered += letters.length;
    this.metrics.deadLettered.inc(letters.length);
    this.logger.warn(`dead-lettered ${letters.length} record(s); first: ${letters[0].reason}`);
  }

  /** Commits, per partition, the offset below which everything is durable (parked records hold it back). */
  private async commit(sources: PartitionKey[]): Promise<void> {
    const topicPartitions = sources.flatMap((source) => {
      const offset = this.offsets.committable(source, this.dispatcher.lowestParked(source));
      return offset === undefined ? [] : [{ ...splitPartitionKey(source), source, offset: offset.toString() }];
    });
    if (topicPartitions.length === 0) return;
    await withSpan(tracer, 'kafka.commit_offsets', { 'messaging.kafka.partitions': topicPartitions.length }, () =>
      this.consumer.commitOffsets(topicPartitions.map(({ topic, partition, offset }) => ({ topic, partition, offset }))),
    );
    for (const tp of topicPartitions) this.offsets.markCommitted(tp.source, BigInt(tp.offset));
  }

  private async waitWhileTooMuchParked(heartbeat: () => Promise<void>, stillOurs: () => boolean): Promise<void> {
    while (this.dispatcher.parkedBytes > this.config.parkedLimitBytes && stillOurs()) {
      await heartbeat();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function toDeadLetter(item: Pick<PendingSnapshot, 'source' | 'offset' | 'message'>, reason: string): DeadLetter {
  const { key, value, headers } = item.message;
  return { key, value, headers, reason, ...splitPartitionKey(item.source), offset: item.offset };
}
