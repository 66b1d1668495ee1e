import { pollUntil } from '@pa/testing';
import { testKafka } from './test-stack';

/** Sum over partitions of (high watermark − group's committed offset). */
export async function consumerLag(groupId: string, topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
    return ends.reduce((lag, p) => lag + Number(BigInt(p.high) - (at.get(p.partition) ?? 0n)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the group has committed everything on the topic: all of it is durable. */
export async function waitCaughtUp(groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(() => consumerLag(groupId, topic), (lag) => lag === 0, { timeoutMs, what: `${groupId} caught up on ${topic}` });
}
