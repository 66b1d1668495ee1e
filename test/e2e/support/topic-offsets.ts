import { testKafka } from './test-stack';

/** Total records ever written to a topic (sum of high watermarks). */
export async function recordsInTopic(topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
