import { Message } from 'kafkajs';
import { BackpressureError } from './kafka.errors';
import { RecordProducer } from './record-producer';

interface Waiting {
  messages: Message[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for a producer: while one send is waiting for Kafka's acks, the records of every
 * caller that arrives meanwhile are gathered and go out together in the next send. kafkajs sends
 * each `send()` as its own request, and an idempotent producer has one request in flight, so
 * without this every HTTP request would wait for all the round trips queued before it. At low
 * load nothing waits: a send starts at once when none is in flight.
 */
export class CoalescingSender {
  private waiting: Waiting[] = [];
  private waitingRecords = 0;
  private sendingRecords = 0;
  private isSending = false;

  constructor(
    private readonly producer: RecordProducer,
    private readonly topic: string,
    /** records waiting or being sent at once; past it `send` throws BackpressureError at once */
    private readonly maxInFlightRecords: number,
    /** most value bytes in one send, so that one partition's batch stays under the broker's message.max.bytes */
    private readonly maxBytesPerSend = 4 * 1024 * 1024,
  ) {}

  /** Resolves once Kafka acknowledged these records; rejects with the send's error otherwise. */
  send(messages: Message[]): Promise<void> {
    const inFlight = this.waitingRecords + this.sendingRecords;
    if (inFlight > 0 && inFlight + messages.length > this.maxInFlightRecords) {
      return Promise.reject(new BackpressureError(inFlight, this.maxInFlightRecords));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ messages, resolve, reject });
      this.waitingRecords += messages.length;
      if (!this.isSending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.isSending = true;
    while (this.waiting.length > 0) {
      const group = this.takeGroup();
      const records = group.reduce((n, w) => n + w.messages.length, 0);
      this.sendingRecords = records;
      try {
        await this.producer.send(this.topic, group.flatMap((w) => w.messages));
        group.forEach((w) => w.resolve());
      } catch (error) {
        group.forEach((w) => w.reject(error));
      } finally {
        this.sendingRecords = 0;
      }
    }
    this.isSending = false;
  }

  /** The longest prefix of waiting callers within maxBytesPerSend (always at least one). */
  private takeGroup(): Waiting[] {
    let records = 0;
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const size = valueBytes(this.waiting[n].messages);
      if (n > 0 && bytes + size > this.maxBytesPerSend) break;
      bytes += size;
      records += this.waiting[n].messages.length;
      n++;
    }
    this.waitingRecords -= records;
    return this.waiting.splice(0, n);
  }
}

function valueBytes(messages: Message[]): number {
  let bytes = 0;
  for (const m of messages) bytes += typeof m.value === 'string' ? m.value.length : (m.value?.length ?? 0);
  return bytes;
}
