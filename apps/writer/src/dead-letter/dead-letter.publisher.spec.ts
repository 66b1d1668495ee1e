import { Message } from 'kafkajs';
import { PublishError, RecordProducer } from '@pa/kafka';
import { DeadLetter, DeadLetterPublisher } from './dead-letter.publisher';

/** A producer that records sends and refuses, as the broker would, any record with a value over `limit` bytes. */
function fakeProducer(limit: number) {
  const sent: Message[][] = [];
  const producer = {
    send: async (_topic: string, messages: Message[]) => {
      if (messages.some((m) => (m.value?.length ?? 0) > limit)) {
        throw new PublishError('t.dlq', messages.length, Object.assign(new Error('message too large'), { type: 'MESSAGE_TOO_LARGE' }), false);
      }
      sent.push(messages);
    },
  };
  return { producer: producer as unknown as RecordProducer, sent };
}

const letter = (value: string | null, offset: string): DeadLetter => ({ key: 'k', value, headers: {}, reason: 'value is not valid JSON', topic: 't', partition: 0, offset });

describe('DeadLetterPublisher', () => {
  it('sends dead letters together, with reason and source in the headers', async () => {
    const { producer, sent } = fakeProducer(1_000_000);
    await new DeadLetterPublisher(producer, 't.dlq').publish([letter('a', '1'), letter('b', '2')]);
    expect(sent).toHaveLength(1);
    expect(sent[0][1].headers).toMatchObject({ 'dlq-reason': 'value is not valid JSON', 'dlq-source-topic': 't', 'dlq-source-offset': '2' });
  });

  it('sends a dead letter too large for the DLQ without its value instead of failing for good', async () => {
    const { producer, sent } = fakeProducer(300_000);
    const big = 'x'.repeat(400_000);
    await new DeadLetterPublisher(producer, 't.dlq').publish([letter('a', '1'), letter(big, '2')]);
    expect(sent.map((s) => s.map((m) => m.value))).toEqual([['a'], [null]]);
    expect(sent[1][0].headers?.['dlq-reason']).toBe('value of 400000 bytes not kept (too large for the DLQ with these headers); value is not valid JSON');
  });

  it('still fails on anything else (nothing is committed then)', async () => {
    const producer = { send: async () => Promise.reject(new PublishError('t.dlq', 1, new Error('connection refused'), true)) };
    await expect(new DeadLetterPublisher(producer as unknown as RecordProducer, 't.dlq').publish([letter('x'.repeat(400_000), '1')])).rejects.toThrow(
      'connection refused',
    );
  });
});
