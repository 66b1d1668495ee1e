import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { BackpressureError, PublishError } from '@pa/kafka';
import { publishProblem } from './publish-problem';

const topic = { name: 'proc.snapshots.v1', maxRecordBytes: 64_512 };

function brokerRefusal(type: string): PublishError {
  const cause = Object.assign(new KafkaJSProtocolError(`broker says ${type}`), { type, retriable: false });
  return new PublishError(topic.name, 1, Object.assign(new KafkaJSNonRetriableError(cause), { cause }), false);
}

describe('publishProblem: 503 only when retrying can help', () => {
  it('413 naming the limit when Kafka refuses a record as too large', () => {
    for (const type of ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']) {
      const problem = publishProblem(brokerRefusal(type), topic);
      expect(problem).toMatchObject({ status: 413, code: 'RECORD_TOO_LARGE', detail: expect.stringContaining('at most 64512 bytes') });
      expect(problem.extras.headers?.['retry-after']).toBeUndefined();
    }
  });

  it('500 when Kafka refuses the gateway for good', () => {
    expect(publishProblem(brokerRefusal('TOPIC_AUTHORIZATION_FAILED'), topic)).toMatchObject({ status: 500, code: 'KAFKA_REFUSED' });
  });

  it('503 + Retry-After when Kafka is down, slow, or out of step with the producer (a new producer heals it), and under backpressure', () => {
    const down = new PublishError(topic.name, 1, new KafkaJSConnectionError('Connection timeout'), true);
    for (const error of [down, brokerRefusal('OUT_OF_ORDER_SEQUENCE_NUMBER'), new Error('no acknowledgement within 10000 ms')]) {
      expect(publishProblem(error, topic)).toMatchObject({ status: 503, code: 'KAFKA_UNAVAILABLE', extras: { headers: { 'retry-after': '5' } } });
    }
    expect(publishProblem(new BackpressureError(100, 100), topic)).toMatchObject({ status: 503, code: 'BACKPRESSURE', extras: { headers: { 'retry-after': '1' } } });
  });
});
