import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { KafkaLibError, isAuthorizationError } from './kafka.errors';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * Creates the topics that do not exist yet (replication 1: the local stack has one broker; a
 * production cluster creates its topics by its own process). Waits for leaders to be elected.
 * Throws a non-retriable KafkaLibError when a topic is missing and this principal may not create
 * it (the writer and collectors have no CREATE ACL: the gateway or an admin creates topics).
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.numPartitions, replicationFactor: 1 })),
      })
      .catch((error: unknown) => {
        if (!isAuthorizationError(error)) throw error;
        const names = missing.map((s) => s.topic).join(', ');
        throw new KafkaLibError(`topic(s) ${names} missing, and this Kafka principal may not create them (start the gateway first, or create them as admin)`, false, { cause: error });
      });
  } finally {
    await admin.disconnect();
  }
}

/** True when a broker answers a metadata request within `timeoutMs`. */
export async function isKafkaReachable(kafka: Kafka, timeoutMs: number): Promise<boolean> {
  const admin = kafka.admin();
  const probe = (async () => {
    await admin.connect();
    await admin.describeCluster();
    return true;
  })();
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  try {
    return await Promise.race([probe, timeout]);
  } catch {
    return false;
  } finally {
    probe.catch(() => undefined).finally(() => admin.disconnect().catch(() => undefined));
  }
}

/** The largest record batch the broker takes for `topic` (its max.message.bytes, or the broker's message.max.bytes). */
export async function topicMaxMessageBytes(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
    });
    const value = Number(resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`no max.message.bytes for ${topic}`);
    return value;
  } finally {
    await admin.disconnect();
  }
}
