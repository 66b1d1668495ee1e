import { Kafka, Message, Producer, CompressionTypes } from 'kafkajs';
import { BackpressureError, PublishError, isRetriableKafkaError } from './kafka.errors';

export interface RecordProducerOptions {
  /** ms to wait for the broker's acknowledgement of one send */
  ackTimeoutMs: number;
  /** records waiting for acknowledgement at once; past it `send` throws BackpressureError at once */
  maxInFlightRecords: number;
}

/**
 * An idempotent producer (acks=all, one request in flight, so retries cannot reorder or
 * duplicate) that resolves only when Kafka has acknowledged every record of a send.
 */
export class RecordProducer {
  private readonly producer: Producer;
  private inFlight = 0;

  constructor(kafka: Kafka, private readonly options: RecordProducerOptions) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Sends and waits for acks=all. Throws BackpressureError or PublishError (retriable when Kafka is down). */
  async send(topic: string, messages: Message[]): Promise<void> {
    if (this.inFlight + messages.length > this.options.maxInFlightRecords && this.inFlight > 0) {
      throw new BackpressureError(this.inFlight, this.options.maxInFlightRecords);
    }
    this.inFlight += messages.length;
    try {
      await this.producer.send({
        topic,
        messages,
        acks: -1,
        timeout: this.options.ackTimeoutMs,
        compression: CompressionTypes.None,
      });
    } catch (error) {
      throw new PublishError(topic, messages.length, error, isRetriableKafkaError(error));
    } finally {
      this.inFlight -= messages.length;
    }
  }
}
