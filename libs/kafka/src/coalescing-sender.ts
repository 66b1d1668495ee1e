import { Message } from 'kafkajs';
import { BackpressureError, KafkaLibError } from './kafka.errors';
import { RecordProducer, messageBytes } from './record-producer';

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
 *
 * This is the gateway's only flow control: the one in-flight limit, over everything gathered or
 * being sent, and groups cut by the producer's own rule (what one produce request to the topic
 * carries), so that every group is one request, acknowledged for its callers on its own, and the
 * producer never has to cut one.
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
      const group = this.takeGroup(await this.producer.requestBytes(this.topic));
      try {
        await this.sendGroup(group);
      } finally {
        this.sendingRecords = 0;
      }
    }
    this.isSending = false;
  }

  /** The longest prefix of waiting callers within one request's bytes (always at least one). */
  private takeGroup(maxBytes: number): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const size = this.waiting[n].messages.reduce((sum, m) => sum + messageBytes(m), 0);
      if (n > 0 && bytes + size > maxBytes) break;
      bytes += size;
      n++;
    }
    const group = this.waiting.splice(0, n);
    this.sendingRecords = group.reduce((sum, w) => sum + w.messages.length, 0);
    this.waitingRecords -= this.sendingRecords;
    return group;
  }

  private async sendGroup(group: Waiting[]): Promise<void> {
    try {
      await this.producer.send(this.topic, group.flatMap((w) => w.messages));
      group.forEach((w) => w.resolve());
    } catch (error) {
      if (group.length === 1 || !isForGood(error)) return group.forEach((w) => w.reject(error));
      // One caller's record (too large, say) must not fail the others gathered with it: each
      // goes again alone and gets its own answer. What the failed send had stored is sent
      // again; the writer's ledger drops the duplicates.
      for (const w of group) {
        await this.producer.send(this.topic, w.messages).then(w.resolve, w.reject);
      }
    }
  }
}

function isForGood(error: unknown): boolean {
  return error instanceof KafkaLibError && !error.retriable;
}
