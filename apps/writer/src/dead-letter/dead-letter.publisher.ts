import { Message } from 'kafkajs';
import { HEADER } from '@pa/contracts';
import { PublishError, RecordProducer } from '@pa/kafka';

/** A record that cannot be stored, with where it came from and why. */
export interface DeadLetter {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Message['headers'];
  reason: string;
  /** where it was read: the snapshot topic or a tenant topic */
  topic: string;
  partition: number;
  offset: string;
}

/** Longest reason kept in the header; a record with 10 000 bad fields must not make a huge header. */
const MAX_REASON_LENGTH = 2_000;

/** Dead letters with a value larger than this are sent one by one (see publishAlone). */
const ALONE_ABOVE_BYTES = 256 * 1024;

/** Sends unstorable records to the DLQ topic, keeping the original key, value and headers. */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: RecordProducer,
    private readonly dlqTopic: string,
  ) {}

  /** Resolves once Kafka has every dead letter; throws PublishError otherwise (nothing is committed then). */
  async publish(letters: DeadLetter[]): Promise<void> {
    const large = letters.filter((l) => byteLength(l.value) > ALONE_ABOVE_BYTES);
    const rest = letters.filter((l) => byteLength(l.value) <= ALONE_ABOVE_BYTES);
    if (rest.length > 0) await this.producer.send(this.dlqTopic, rest.map((l) => this.toMessage(l)));
    for (const letter of large) await this.publishAlone(letter);
  }

  /**
   * A record just under the broker's size limit is over it once our headers are added, and the
   * broker would refuse it for good (the consumer would stop on it): then it goes without its value.
   */
  private async publishAlone(letter: DeadLetter): Promise<void> {
    try {
      await this.producer.send(this.dlqTopic, [this.toMessage(letter)]);
    } catch (error) {
      if (!(error instanceof PublishError && error.tooLarge)) throw error;
      const reason = `value of ${byteLength(letter.value)} bytes not kept (too large for the DLQ with these headers); ${letter.reason}`;
      await this.producer.send(this.dlqTopic, [this.toMessage({ ...letter, value: null, reason })]);
    }
  }

  private toMessage(l: DeadLetter): Message {
    return {
      key: l.key,
      value: l.value,
      headers: {
        ...(l.headers ?? {}),
        [HEADER.dlqReason]: l.reason.slice(0, MAX_REASON_LENGTH),
        [HEADER.dlqSourceTopic]: l.topic,
        [HEADER.dlqSourcePartition]: String(l.partition),
        [HEADER.dlqSourceOffset]: l.offset,
      },
    };
  }
}

function byteLength(value: Buffer | string | null): number {
  return value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
