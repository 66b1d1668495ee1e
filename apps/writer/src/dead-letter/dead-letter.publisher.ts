import { Message } from 'kafkajs';
import { HEADER } from '@pa/contracts';
import { RecordProducer } from '@pa/kafka';

/** A record that cannot be stored, with where it came from and why. */
export interface DeadLetter {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Message['headers'];
  reason: string;
  partition: number;
  offset: string;
}

/** Longest reason kept in the header; a record with 10 000 bad fields must not make a huge header. */
const MAX_REASON_LENGTH = 2_000;

/** Sends unstorable records to the DLQ topic, keeping the original key, value and headers. */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: RecordProducer,
    private readonly sourceTopic: string,
    private readonly dlqTopic: string,
  ) {}

  /** Resolves once Kafka has every dead letter; throws PublishError otherwise (nothing is committed then). */
  async publish(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send(
      this.dlqTopic,
      letters.map((l) => ({
        key: l.key,
        value: l.value,
        headers: {
          ...(l.headers ?? {}),
          [HEADER.dlqReason]: l.reason.slice(0, MAX_REASON_LENGTH),
          [HEADER.dlqSourceTopic]: this.sourceTopic,
          [HEADER.dlqSourcePartition]: String(l.partition),
          [HEADER.dlqSourceOffset]: l.offset,
        },
      })),
    );
  }
}
