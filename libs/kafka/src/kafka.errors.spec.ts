import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { PublishError } from './kafka.errors';

/** What kafkajs's retrier throws for a broker error it will not retry: the protocol error as cause (its typings lack the option). */
function refused(type: string): KafkaJSNonRetriableError {
  const cause = Object.assign(new KafkaJSProtocolError(`broker says ${type}`), { type, retriable: false });
  return Object.assign(new KafkaJSNonRetriableError(cause), { cause });
}

describe('PublishError tells the gateway whether the request, Kafka’s settings or an outage is to blame', () => {
  it.each([
    ['MESSAGE_TOO_LARGE', { tooLarge: true, refusedByConfig: false }],
    ['RECORD_LIST_TOO_LARGE', { tooLarge: true, refusedByConfig: false }],
    ['TOPIC_AUTHORIZATION_FAILED', { tooLarge: false, refusedByConfig: true }],
    // kafkajs will not retry it, but the fresh producer made after a failure fixes it: an outage.
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', { tooLarge: false, refusedByConfig: false }],
  ])('%s', (type, expected) => {
    expect(new PublishError('t', 1, refused(type), false)).toMatchObject({ ...expected, retriable: false });
  });

  it('a lost connection is neither', () => {
    expect(new PublishError('t', 1, new KafkaJSConnectionError('Connection timeout'), true)).toMatchObject({ tooLarge: false, refusedByConfig: false, retriable: true });
  });
});
