import { CompressionTypes, Kafka, Message, Producer, logLevel } from 'kafkajs';
import { EnvReader, readKafkaSecurity } from '@pa/config';
import { ProcessSnapshot, WireFormat, snapshotRecordOf } from '@pa/contracts';
import { kafkaSecurityOptions } from '@pa/kafka';

// The broker refuses a record batch over message.max.bytes (1 MiB by default) and kafkajs puts all
// records of one partition in one batch, so a send stays under that whatever the partitioning.
const MAX_SEND_BYTES = 900 * 1024;
const SENDS_IN_FLIGHT = 4;
/** Every bench topic's name starts so: within the topics the services' Kafka principals may use. */
export const BENCH_TOPIC_PREFIX = 'proc.snapshots.bench.';

/** The bench's own client: the admin principal (TLS + SCRAM unless KAFKA_SECURITY=plaintext). */
export function benchKafka(brokers: string[]): Kafka {
  const { KAFKA_USERNAME: _user, KAFKA_PASSWORD_FILE: _file, ...env } = process.env;
  const reader = new EnvReader(env);
  const security = reader.finish({ security: readKafkaSecurity(reader, 'admin') }).security;
  return new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8 }, ...kafkaSecurityOptions(security) });
}

/** Creates `topic` with `partitions` partitions unless it exists. */
export async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  // A broker just started (and loaded) answers "does not host this topic-partition" for a while: a
  // transient error (kafkajs may give up on it first); asking again within a deadline is enough (an
  // existing topic is no error).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Deletes every topic whose name starts with `prefix` (this run's, and any a crashed run left).
 * Housekeeping only: returns the error instead of throwing (a broker that just restarted may still
 * be finishing an earlier deletion and refuse this one).
 */
export async function deleteTopics(kafka: Kafka, prefix: string): Promise<Error | undefined> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await admin.disconnect();
  }
}


/**
 * Produces every snapshot to `topic` (acks=all) and resolves once Kafka has them all; `onSent`
 * hears the running count. Returns the records and bytes produced.
 */
export async function fillTopic(
  kafka: Kafka,
  topic: string,
  snapshots: Iterable<ProcessSnapshot>,
  onSent: (records: number) => void = () => undefined,
  decorate: (message: Message) => Message = (message) => message,
  format: WireFormat = 'v1',
  compression: 'zstd' | 'none' = 'none',
): Promise<{ records: number; bytes: number }> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const inFlight = new Set<Promise<void>>();
  let records = 0;
  let bytes = 0;
  try {
    let batch: Message[] = [];
    let batchBytes = 0;
    for (const snapshot of snapshots) {
      const message = decorate(snapshotRecordOf(snapshot, format));
      const size = Buffer.byteLength(message.value as string | Buffer);
      if (batch.length && batchBytes + size > MAX_SEND_BYTES) {
        await sendBounded(producer, topic, batch, inFlight, compression);
        records += batch.length;
        onSent(records);
        [batch, batchBytes] = [[], 0];
      }
      batch.push(message);
      batchBytes += size;
      bytes += size;
    }
    if (batch.length) await sendBounded(producer, topic, batch, inFlight, compression);
    records += batch.length;
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  return { records, bytes };
}

async function sendBounded(producer: Producer, topic: string, messages: Message[], inFlight: Set<Promise<void>>, compression: 'zstd' | 'none'): Promise<void> {
  if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
  // Uncompressed unless told otherwise, as the gateway and the collectors produce by default
  // (KAFKA_COMPRESSION); zstd needs the codec @pa/kafka registers when it is imported.
  const type = compression === 'zstd' ? CompressionTypes.ZSTD : CompressionTypes.None;
  const send: Promise<void> = producer.send({ topic, messages, acks: -1, compression: type }).then(() => {
    inFlight.delete(send);
  });
  inFlight.add(send);
}
