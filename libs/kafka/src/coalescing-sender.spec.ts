import { Message } from 'kafkajs';
import { CoalescingSender } from './coalescing-sender';
import { BackpressureError } from './kafka.errors';
import { RecordProducer } from './record-producer';

/** A producer double whose sends complete when the test says so. */
class ManualProducer {
  sends: { topic: string; messages: Message[]; done: () => void; fail: (e: Error) => void }[] = [];

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
    await expect(sender.send([msg('c')])).rejects.toBeInstanceOf(BackpressureError);
  });
});

describe('CoalescingSender size cap', () => {
  it('splits gathered callers so one send stays under the byte cap', async () => {
    const producer = new ManualProducer();
    const sender = new CoalescingSender(producer as unknown as RecordProducer, 't', 1_000, 10);
    void sender.send([msg('x')]);
    const rest = [sender.send([msg('aaaaaa')]), sender.send([msg('bbbbbb')])];
    producer.sends[0].done();
    await new Promise((r) => setImmediate(r));
    expect(producer.sends[1].messages.map((m) => m.value)).toEqual(['aaaaaa']);
    producer.sends[1].done();
    await new Promise((r) => setImmediate(r));
    expect(producer.sends[2].messages.map((m) => m.value)).toEqual(['bbbbbb']);
    producer.sends[2].done();
    await Promise.all(rest);
  });
});
