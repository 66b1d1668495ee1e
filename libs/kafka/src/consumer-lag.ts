import { Admin } from 'kafkajs';

/**
 * Per partition, the topic's high watermark minus the group's committed offset (a partition the
 * group never committed counts from the low watermark). Two admin requests.
 */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<{ partition: number; lag: number }[]> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  return ends.map((p) => {
    const done = at.get(p.partition) ?? -1n;
    const from = done >= 0n ? done : BigInt(p.low);
    return { partition: p.partition, lag: Number(BigInt(p.high) - from) };
  });
}
