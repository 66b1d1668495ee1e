import { Kafka, KafkaConfig, Message, logLevel } from 'kafkajs';
import { SNAPSHOTS_TOPIC_PARTITIONS } from '@pa/contracts';
import { BROKERS, kafkaSecurityAs, testKafka } from './test-stack';

/** A client that gives up at once: what is tested is the first refusal, not kafkajs's retries. */
export function kafkaWith(options: Pick<KafkaConfig, 'ssl' | 'sasl'>): Kafka {
  return new Kafka({ clientId: 'e2e-security', brokers: BROKERS, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 0 }, ...options });
}

/** That client as one principal of the test stack (its password file under PA_STATE_DIR/secrets). */
export const asPrincipal = (principal: string): Kafka => kafkaWith(kafkaSecurityAs(principal));

/** Produces `messages` (acks=all) to `topic`; rejects with the broker's refusal. */
export async function produce(kafka: Kafka, topic: string, messages: Message[] = [{ value: '{}' }]): Promise<void> {
  // Retries: a fresh broker may answer NOT_LEADER for a moment after creating the topic; a refusal
  // (TOPIC_AUTHORIZATION_FAILED) is not retriable and still fails at once.
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 5 } });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Creates `topics` as admin (the writer and collector principals may not); those that exist are kept. */
export async function createTopics(...topics: string[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: SNAPSHOTS_TOPIC_PARTITIONS })) });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes `topics` as admin (cleanup). */
export async function deleteTopics(...topics: string[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** The broker error type of a refusal (kafkajs puts it on the error, or on its causes). */
export function errorType(error: unknown): string {
  for (let e = error as { type?: string; cause?: unknown; errors?: unknown[] } | undefined; e; e = e.cause as typeof e) {
    if (e.type) return e.type;
    if (e.errors?.length) return errorType(e.errors[0]);
  }
  return String((error as Error)?.message ?? error);
}

/** `p`, rejected with an Error whose message is the broker's error type (for toThrow(/TYPE/)). */
export const refusal = (p: Promise<unknown>): Promise<unknown> => p.catch((e) => Promise.reject(new Error(errorType(e))));
