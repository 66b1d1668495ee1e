/**
 * One partition of one topic as one string, for Map and Set keys: the writer consumes the snapshot
 * topic and every tenant topic in one group, so a partition number alone is ambiguous. Kafka topic
 * names hold only `A-Z a-z 0-9 . _ -`, so the ':' cannot occur in the topic part.
 */
export type PartitionKey = string;

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${topic}:${partition}`;
}

export function splitPartitionKey(key: PartitionKey): { topic: string; partition: number } {
  const colon = key.lastIndexOf(':');
  return { topic: key.slice(0, colon), partition: Number(key.slice(colon + 1)) };
}
