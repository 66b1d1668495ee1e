import { Kafka, KafkaJSNonRetriableError, KafkaJSProtocolError, Message, ProducerRecord } from 'kafkajs';
import { PublishError } from './kafka.errors';
import { RecordProducer } from './record-producer';

/** A Kafka whose producers record each send (with which producer made it) and can fail the n-th one. */
function fakeKafka(failOn?: { call: number; error: Error }) {
  const sends: (ProducerRecord & { producer: number })[] = [];
  const log: string[] = [];
  let producers = 0;
  const kafka = {
    producer: () => {
      const id = ++producers;
      return {
        connect: async () => void log.push(`connect ${id}`),
        disconnect: async () => void log.push(`disconnect ${id}`),
        send: async (record: ProducerRecord) => {
          sends.push({ ...record, producer: id });
          log.push(`send ${(record.messages[0].value as string).slice(0, 1)} start`);
          await new Promise((r) => setTimeout(r, 5));
          log.push(`send ${(record.messages[0].value as string).slice(0, 1)} end`);
          if (failOn && sends.length === failOn.call) throw failOn.error;
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, sends, log };
}

const message = (bytes: number, fill = 'x'): Message => ({ key: 'm-1', value: fill.repeat(bytes) });
const options = { ackTimeoutMs: 1_000, maxInFlightRecords: 1_000, maxProduceBytes: 1_000 };

describe('RecordProducer', () => {
  it('sends small records in one request', async () => {
    const { kafka, sends } = fakeKafka();
    await new RecordProducer(kafka, options).send('t', [message(100), message(100), message(100)]);
    expect(sends.map((s) => s.messages.length)).toEqual([3]);
  });

  it('cuts a large send into requests of at most maxProduceBytes, in order (a larger record alone)', async () => {
    const { kafka, sends } = fakeKafka();
    const messages = [message(400), message(400), message(400), message(3_000), message(10)];
    await new RecordProducer(kafka, options).send('t', messages);
    expect(sends.map((s) => s.messages.map((m) => (m.value as string).length))).toEqual([[400, 400], [400], [3_000], [10]]);
    expect(sends.flatMap((s) => s.messages)).toEqual(messages);
  });

  it('sends one at a time, in the order asked', async () => {
    const { kafka, log } = fakeKafka();
    const producer = new RecordProducer(kafka, options);
    await Promise.all([producer.send('t', [message(10, 'a')]), producer.send('t', [message(10, 'b')])]);
    expect(log).toEqual(['send a start', 'send a end', 'send b start', 'send b end']);
  });

  it('replaces the producer after a failed send: its sequence numbers may be taken for a retry of what was written', async () => {
    const lost = Object.assign(new KafkaJSProtocolError('Connection closed'), { retriable: true });
    const { kafka, sends, log } = fakeKafka({ call: 1, error: lost });
    const producer = new RecordProducer(kafka, options);
    await expect(producer.send('t', [message(10, 'a')])).rejects.toBeInstanceOf(PublishError);
    await producer.send('t', [message(10, 'b')]);
    await producer.send('t', [message(10, 'c')]);
    expect(sends.map((s) => s.producer)).toEqual([1, 2, 2]);
    expect(log.filter((l) => !l.startsWith('send'))).toEqual(['disconnect 1', 'connect 2']);
  });

  it("cuts requests under the topic's max.message.bytes (read once), or under 1 MiB when it cannot be read", async () => {
    const big = () => [message(400_000), message(400_000), message(400_000)];
    for (const [limit, expected] of [[33_554_432, [3]], [undefined, [2, 1]]] as const) {
      const { kafka, sends } = fakeKafka();
      let describes = 0;
      const describeConfigs = async () => {
        describes++;
        if (limit === undefined) throw new Error('broker unreachable');
        return { resources: [{ configEntries: [{ configName: 'max.message.bytes', configValue: String(limit) }] }] };
      };
      Object.assign(kafka, { admin: () => ({ connect: async () => undefined, disconnect: async () => undefined, describeConfigs }) });
      const producer = new RecordProducer(kafka, { ackTimeoutMs: 1_000, maxInFlightRecords: 1_000 });
      await producer.send('t', big());
      await producer.send('t', big());
      expect(sends.map((s) => s.messages.length)).toEqual([...expected, ...expected]);
      expect(describes).toBe(limit === undefined ? 2 : 1);
    }
  });

  it('says when the broker refused a record as too large', async () => {
    // What kafkajs throws: its retrier's non-retriable error, caused by the broker's protocol error.
    const cause = Object.assign(new KafkaJSProtocolError('The request included a message larger than the max message size'), { type: 'MESSAGE_TOO_LARGE' });
    const tooLarge = Object.assign(new KafkaJSNonRetriableError(cause), { cause });
    const { kafka } = fakeKafka({ call: 2, error: tooLarge });
    const error = await new RecordProducer(kafka, options).send('t', [message(900), message(900)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ tooLarge: true, retriable: false });
  });
});
