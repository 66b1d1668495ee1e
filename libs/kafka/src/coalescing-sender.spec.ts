import { Message } from 'kafkajs';
import { CoalescingSender } from './coalescing-sender';
import { pollUntil } from '@pa/testing';
import { BackpressureError, PublishError } from './kafka.errors';
import { RecordProducer } from './record-producer';

/** A producer double whose sends complete when the test says so. */
class ManualProducer {
  sends: { topic: string; messages: Message[]; done: () => void; fail: (e: Error) => void }[] = [];

  constructor(private readonly maxRequestBytes = 1024 * 1024) {}

  async requestBytes(): Promise<number> {
    return this.maxRequestBytes;
  }

  send(topic: string, messages: Message[]): Promise<void> {
    return new Promise((done, fail) => this.sends.push({ topic, messages, done: () => done(), fail }));
  }
}

const msg = (value: string): Message => ({ key: 'k', value });

describe('CoalescingSender', () => {
  it('sends at once when idle, and gathers callers that arrive during a send into the next one', async () => {
    const producer = new ManualProducer();
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 1_000);
    const first = sender.send([msg('a')]);
    await new Promise((r) => setImmediate(r));
    const second = sender.send([msg('b')]);
    const third = sender.send([msg('c'), msg('d')]);
    expect(producer.sends.map((s) => s.messages.map((m) => m.value))).toEqual([['a']]);
    producer.sends[0].done();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(producer.sends.map((s) => s.messages.map((m) => m.value))).toEqual([['a'], ['b', 'c', 'd']]);
    producer.sends[1].done();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('fails every caller of a failed send, and only those', async () => {
    const producer = new ManualProducer();
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 1_000);
    const first = sender.send([msg('a')]);
    await new Promise((r) => setImmediate(r));
    const second = sender.send([msg('b')]);
    producer.sends[0].fail(new Error('broker down'));
    await expect(first).rejects.toThrow('broker down');
    await new Promise((r) => setImmediate(r));
    producer.sends[1].done();
    await expect(second).resolves.toBeUndefined();
  });

  it('refuses at once past the in-flight limit', async () => {
    const producer = new ManualProducer();
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 2);
    void sender.send([msg('a'), msg('b')]);
    await new Promise((r) => setImmediate(r));
    await expect(sender.send([msg('c')])).rejects.toBeInstanceOf(BackpressureError);
  });
});

describe('CoalescingSender groups', () => {
  it("as one produce request each, by the producer's own measure: callers of a request are answered when it is acknowledged", async () => {
    // messageBytes counts 64 bytes of framing per message (key 'k' + value): two of these fit in 150 bytes, not three.
    const producer = new ManualProducer(150);
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 1_000);
    void sender.send([msg('x')]);
    await new Promise((r) => setImmediate(r));
    const rest = [sender.send([msg('a')]), sender.send([msg('b')]), sender.send([msg('c')])];
    producer.sends[0].done();
    await pollUntil(async () => producer.sends.length, (n) => n === 2, { timeoutMs: 1_000 });
    expect(producer.sends[1].messages.map((m) => m.value)).toEqual(['a', 'b']);
    producer.sends[1].done();
    await Promise.all(rest.slice(0, 2));
    await pollUntil(async () => producer.sends.length, (n) => n === 3, { timeoutMs: 1_000 });
    expect(producer.sends[2].messages.map((m) => m.value)).toEqual(['c']);
    producer.sends[2].done();
    await rest[2];
  });
});

describe('CoalescingSender after a failure retrying cannot fix', () => {
  it('sends each gathered caller again alone, so only the one at fault fails', async () => {
    const producer = new ManualProducer();
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 1_000);
    void sender.send([msg('x')]);
    await new Promise((r) => setImmediate(r));
    const settled = Promise.allSettled([sender.send([msg('ok-1')]), sender.send([msg('too-large')]), sender.send([msg('ok-2')])]);
    producer.sends[0].done();
    await new Promise((r) => setImmediate(r));
    expect(producer.sends[1].messages.map((m) => m.value)).toEqual(['ok-1', 'too-large', 'ok-2']);
    const tooLarge = new PublishError('t', 3, new Error('MESSAGE_TOO_LARGE'), false);
    producer.sends[1].fail(tooLarge);
    for (const n of [2, 3, 4]) {
      await pollUntil(async () => producer.sends.length, (l) => l > n, { timeoutMs: 1_000 });
      if (producer.sends[n].messages[0].value === 'too-large') producer.sends[n].fail(tooLarge);
      else producer.sends[n].done();
    }
    expect(producer.sends.slice(2).map((s) => s.messages.map((m) => m.value))).toEqual([['ok-1'], ['too-large'], ['ok-2']]);
    expect((await settled).map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails every caller at once when retrying can help (Kafka down): nothing is sent again', async () => {
    const producer = new ManualProducer();
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 1_000);
    void sender.send([msg('x')]);
    await new Promise((r) => setImmediate(r));
    const settled = Promise.allSettled([sender.send([msg('a')]), sender.send([msg('b')])]);
    producer.sends[0].done();
    await new Promise((r) => setImmediate(r));
    producer.sends[1].fail(new PublishError('t', 2, new Error('Connection timeout'), true));
    expect((await settled).map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(producer.sends).toHaveLength(2);
  });
});
