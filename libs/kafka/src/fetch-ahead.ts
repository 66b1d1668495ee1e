// kafkajs 2.2.4 fetches, hands the batches to its workers, waits until every one is handled, and
// only then fetches again (consumer/fetcher.js): for the writer, whose handler returns once a
// batch is durable on its shard, the broker sends nothing while the shards write, and the shards
// write nothing while the broker sends. In item 1 of the bench that was 5 fetches of 25-350 ms in a
// 3.2 s drain of a million rows. Fetching ahead sends the next Fetch as soon as a fetch returns,
// from the offsets just after the batches it returned, and hands its batches over at kafkajs's next
// fetch only where each starts exactly where the consumer stands then: a batch that was not fully
// handled (an error, a rebalance, a seek) leaves its partition at another offset, and that
// partition's batch ahead is dropped and fetched again. What is handled, and in which order, stays
// kafkajs's; only the reading of the next fetch overlaps the handling of this one.
// On unless KAFKA_FETCH_AHEAD=off. Alone it made no difference on 2 cores (more CPU for the same
// drain); with V8 counting the fetch buffers in its global limit (the writer's
// WRITER_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT, on by default too) it was 2.78 s against 2.98 s a drain
// (README, Performance, "Both together"), and an hour-long soak showed the writer's memory level off.

/** The parts of kafkajs's Batch (consumer/batch.js) this reads. */
export interface KafkajsBatch {
  topic: string;
  partition: number;
  /** the offset the Fetch asked for (a Long, a string or a number) */
  fetchedOffset: { toString(): string };
  isEmpty(): boolean;
  isEmptyDueToFiltering(): boolean;
  lastOffset(): { toString(): string };
}

export interface KafkajsOffsetManager {
  nextOffset(topic: string, partition: number): { toString(): string };
}

/** The parts of kafkajs's ConsumerGroup (consumer/consumerGroup.js) this reads. */
export interface KafkajsConsumerGroup {
  generationId: number;
  offsetManager: KafkajsOffsetManager;
  subscriptionState: { isPaused(topic: string, partition: number): boolean };
  fetch(nodeId: number): Promise<KafkajsBatch[]>;
}

/** What fetching ahead reads of a consumer group (its fetch is what it wraps). */
export type ConsumerGroupState = Omit<KafkajsConsumerGroup, 'fetch'>;

interface Ahead {
  generationId: number;
  batches: Promise<KafkajsBatch[]>;
}

const INSTALLED = Symbol('pa.fetchAhead');
const AHEAD = Symbol('pa.fetchAheadByNode');

/**
 * Where the consumer will stand on each batch's partition once kafkajs's runner has handled it:
 * after its last offset, except for a batch with nothing in it at all, which the runner does not
 * resolve (consumer/runner.js, handleBatch).
 */
export function positionsAfter(batches: readonly KafkajsBatch[]): Map<string, string> {
  const after = new Map<string, string>();
  for (const b of batches) {
    const stays = b.isEmpty() && !b.isEmptyDueToFiltering();
    after.set(keyOf(b.topic, b.partition), stays ? b.fetchedOffset.toString() : (BigInt(b.lastOffset().toString()) + 1n).toString());
  }
  return after;
}

/**
 * The batches fetched ahead that may be handed over now: same group generation, partition not
 * paused, and fetched from exactly the offset the consumer stands at.
 */
export function usableAhead(group: ConsumerGroupState, ahead: { generationId: number }, batches: readonly KafkajsBatch[]): KafkajsBatch[] {
  if (ahead.generationId !== group.generationId) return [];
  return batches.filter(
    (b) => !group.subscriptionState.isPaused(b.topic, b.partition) && group.offsetManager.nextOffset(b.topic, b.partition).toString() === b.fetchedOffset.toString(),
  );
}

function keyOf(topic: string, partition: number): string {
  return `${topic}|${partition}`;
}

/** True when kafkajs's consumers fetch ahead as above (unless KAFKA_FETCH_AHEAD=off). Process-wide and idempotent. */
export function useFetchAhead(env: Record<string, string | undefined> = process.env): boolean {
  if (env.KAFKA_FETCH_AHEAD === 'off') return false;
  // Loaded from kafkajs itself (no types): the class behind every consumer.
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: KafkajsConsumerGroup & { [INSTALLED]?: true } };
  const proto = ConsumerGroup.prototype;
  if (proto[INSTALLED]) return true;
  proto.fetch = fetchingAhead(proto.fetch);
  proto[INSTALLED] = true;
  return true;
}

/** `fetchNow` (kafkajs's ConsumerGroup#fetch) with one fetch kept ahead per broker node. */
export function fetchingAhead<G extends ConsumerGroupState>(fetchNow: (this: G, nodeId: number) => Promise<KafkajsBatch[]>): (this: G, nodeId: number) => Promise<KafkajsBatch[]> {
  return async function fetch(this: G & { [AHEAD]?: Map<number, Ahead> }, nodeId: number): Promise<KafkajsBatch[]> {
    const aheadByNode = (this[AHEAD] ??= new Map());
    const ahead = aheadByNode.get(nodeId);
    aheadByNode.delete(nodeId);
    let batches = ahead ? usableAhead(this, ahead, await ahead.batches) : [];
    if (batches.length === 0) batches = await fetchNow.call(this, nodeId);
    if (batches.length > 0) aheadByNode.set(nodeId, { generationId: this.generationId, batches: fetchFrom(this, fetchNow, nodeId, positionsAfter(batches)) });
    return batches;
  };
}

/**
 * kafkajs's own fetch, asking for `positions` where given (the rest where the consumer stands).
 * Nothing else reads nextOffset (it is fetch's alone), so shadowing it on this one offset manager
 * for the duration of the call is safe; a failed fetch ahead is simply not used (the next fetch
 * is then made the ordinary way, which reports the error as kafkajs always has).
 */
async function fetchFrom<G extends ConsumerGroupState>(group: G, fetchNow: (this: G, nodeId: number) => Promise<KafkajsBatch[]>, nodeId: number, positions: Map<string, string>): Promise<KafkajsBatch[]> {
  const manager = group.offsetManager;
  const own = Object.getOwnPropertyDescriptor(manager, 'nextOffset');
  const real = manager.nextOffset;
  manager.nextOffset = function nextOffset(this: KafkajsOffsetManager, topic: string, partition: number) {
    const ahead = positions.get(keyOf(topic, partition));
    return ahead === undefined ? real.call(this, topic, partition) : { toString: () => ahead };
  };
  try {
    return await fetchNow.call(group, nodeId);
  } catch {
    return [];
  } finally {
    if (own) Object.defineProperty(manager, 'nextOffset', own);
    else delete (manager as Partial<KafkajsOffsetManager>).nextOffset;
  }
}
