import { Kafka, Message, Producer } from 'kafkajs';
import type { BatchCompression } from '@pa/config';
import { compressionType } from './batch-compression';
import { BackpressureError, PublishError, isRetriableKafkaError } from './kafka.errors';
import { topicMaxMessageBytes } from './topics';

export interface RecordProducerOptions {
  /** ms to wait for the broker's acknowledgement of one send */
  ackTimeoutMs: number;
  /** records waiting for acknowledgement at once; past it `send` throws BackpressureError at once (none when not given) */
  maxInFlightRecords?: number;
  /** bytes of records per produce request at most (default: below the topic's max.message.bytes) */
  maxProduceBytes?: number;
  /** how record batches are compressed (default none); sends are still cut by their uncompressed size */
  compression?: BatchCompression;
}

/**
 * kafkajs puts every record of one send for a partition into one batch, and the broker refuses a
 * batch over the topic's max.message.bytes (Kafka's default: 1 MiB) as a whole, for good: many
 * records of one machine (one key, one partition) in one send would be refused at every retry.
 * So sends are cut into requests under that limit (read once per topic), less this margin.
 */
const PRODUCE_MARGIN_BYTES = 64 * 1024;
/** The request size when the topic's limit cannot be read: under Kafka's default 1 MiB. */
export const FALLBACK_MAX_PRODUCE_BYTES = 960 * 1024;

/**
 * An idempotent producer (acks=all, one request in flight, so retries cannot reorder or
 * duplicate) that resolves only when Kafka has acknowledged every record of a send.
 *
 * Sends go one at a time, and a producer whose send failed is replaced before the next one:
 * kafkajs 2.2.4 takes back the sequence numbers of a failed produce request and gives them to the
 * next records, but a request that failed on the client's side (timeout, connection lost on the
 * way back, retries exhausted during a broker restart) may have been written. The broker then
 * takes the next, different records for a retry of the written ones: it acknowledges them and
 * drops them. Records acknowledged and lost; a new producer has a new producer id and new sequences.
 */
export class RecordProducer {
  private producer: Producer;
  private inFlight = 0;
  /** the last send failed: the producer's sequence numbers may be wrong */
  private isSuspect = false;
  /** the send in progress (or its failure); the next one starts after it */
  private queue: Promise<unknown> = Promise.resolve();
  /** bytes per produce request, per topic, from the topic's max.message.bytes */
  private readonly produceBytes = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: RecordProducerOptions,
  ) {
    this.producer = this.createProducer();
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Sends and waits for acks=all. Throws BackpressureError or PublishError (retriable when Kafka is down). */
  async send(topic: string, messages: Message[]): Promise<void> {
    const limit = this.options.maxInFlightRecords ?? Number.POSITIVE_INFINITY;
    if (this.inFlight + messages.length > limit && this.inFlight > 0) throw new BackpressureError(this.inFlight, limit);
    this.inFlight += messages.length;
    const sent = this.queue.then(() => this.sendNow(topic, messages));
    this.queue = sent.catch(() => undefined);
    try {
      await sent;
    } finally {
      this.inFlight -= messages.length;
    }
  }

  private async sendNow(topic: string, messages: Message[]): Promise<void> {
    try {
      if (this.isSuspect) await this.replaceProducer();
      // One request after the other: a failure stops the rest (the caller retries the whole, the
      // writer's ledger drops what an earlier request had already stored).
      for (const part of parts(messages, await this.produceBytesFor(topic))) {
        await this.producer.send({
          topic,
          messages: part,
          acks: -1,
          timeout: this.options.ackTimeoutMs,
          compression: compressionType(this.options.compression ?? 'none'),
        });
      }
    } catch (error) {
      this.isSuspect = true;
      const failure = new PublishError(topic, messages.length, error, isRetriableKafkaError(error));
      // The topic's limit may have been lowered since it was read: read it again at the next send.
      if (failure.tooLarge) this.produceBytes.delete(topic);
      throw failure;
    }
  }

  /** Bytes of records one produce request to `topic` carries at most (sends are cut into such requests). */
  async requestBytes(topic: string): Promise<number> {
    return this.produceBytesFor(topic);
  }

  private async produceBytesFor(topic: string): Promise<number> {
    if (this.options.maxProduceBytes) return this.options.maxProduceBytes;
    const known = this.produceBytes.get(topic);
    if (known) return known;
    try {
      const bytes = Math.max((await topicMaxMessageBytes(this.kafka, topic)) - PRODUCE_MARGIN_BYTES, PRODUCE_MARGIN_BYTES);
      this.produceBytes.set(topic, bytes);
      return bytes;
    } catch {
      return FALLBACK_MAX_PRODUCE_BYTES; // asked again at the next send
    }
  }

  private async replaceProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.createProducer();
    await old.disconnect().catch(() => undefined);
    await this.producer.connect();
    this.isSuspect = false;
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }
}

/** Consecutive runs of messages of at most `maxBytes` (a larger message goes alone). */
function parts(messages: Message[], maxBytes: number): Message[][] {
  const runs: Message[][] = [];
  let run: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (run.length > 0 && bytes + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(message);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** What a message counts against a produce request's bytes: key, value, headers, and 64 bytes of framing. */
export function messageBytes(message: Message): number {
  const length = (v: Buffer | string | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  let size = length(message.key) + length(message.value) + 64;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) size += Buffer.byteLength(name) + length(v as Buffer | string | undefined);
  }
  return size;
}
