import { HEADER } from '@pa/contracts';
import { pollUntil, uniqueSuffix } from '@pa/testing';
import { testKafka } from './test-stack';

export interface DeadLetterRecord {
  key: string;
  value: string;
  /** the value as it came (a schema version 2 value is binary) */
  bytes: Buffer;
  reason: string;
  sourceTopic: string;
  sourcePartition: string;
  sourceOffset: string;
}

/** Reads a DLQ topic from the beginning until `count` dead letters (those `keep` keeps) arrived, with their headers. */
export async function readDeadLetters(
  topic: string,
  count: number,
  timeoutMs = 30_000,
  keep: (letter: DeadLetterRecord) => boolean = () => true,
): Promise<DeadLetterRecord[]> {
  const consumer = testKafka().consumer({ groupId: `e2e-dlq-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 500 });
  const letters: DeadLetterRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const h = (name: string) => message.headers?.[name]?.toString() ?? '';
        const letter: DeadLetterRecord = {
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          bytes: message.value ?? Buffer.alloc(0),
          reason: h(HEADER.dlqReason),
          sourceTopic: h(HEADER.dlqSourceTopic),
          sourcePartition: h(HEADER.dlqSourcePartition),
          sourceOffset: h(HEADER.dlqSourceOffset),
        };
        if (keep(letter)) letters.push(letter);
      },
    });
    await pollUntil(async () => letters.length, (n) => n >= count, { timeoutMs, what: `${count} dead letters in ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
