import { Kafka, KafkaJSNonRetriableError, KafkaJSProtocolError, Message, ProducerRecord } from 'kafkajs';
import { PublishError } from './kafka.errors';
import { RecordProducer } from './record-producer';

/** A Kafka whose producer records each send and can fail the n-th one. */
function fakeKafka(failOn?: { call: number; error: Error }) {
  const sends: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      sends.push(record);
      if (failOn && sends.length === failOn.call) throw failOn.error;
      return [];
    },
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, sends };
}

const message = (bytes: number, key = 'm-1'): Message => ({ key, value: 'x'.repeat(bytes) });
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
