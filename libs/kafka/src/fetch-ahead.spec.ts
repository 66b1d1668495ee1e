import { KafkajsBatch, fetchingAhead, positionsAfter, useFetchAhead } from './fetch-ahead';

/** A partition log of offsets 0…n-1 and a stand-in for kafkajs's ConsumerGroup over two partitions. */
const LOG_LENGTH = 9;
const PER_FETCH = 3;

function batchOf(partition: number, from: number, offsets: number[], filtered = false): KafkajsBatch & { offsets: number[] } {
  return {
    topic: 't',
    partition,
    offsets,
    fetchedOffset: String(from),
    isEmpty: () => offsets.length === 0,
    isEmptyDueToFiltering: () => filtered,
    lastOffset: () => String(offsets.length ? offsets[offsets.length - 1] : from + (filtered ? 1 : 0) - 1),
  };
}

class FakeGroup {
  generationId = 1;
  /** where the consumer stands per partition (kafkajs's resolved offsets) */
  readonly standing = new Map<number, number>([
    [0, 0],
    [1, 0],
  ]);
  readonly offsetManager = { nextOffset: (_topic: string, partition: number) => ({ toString: () => String(this.standing.get(partition)) }) };
  readonly subscriptionState = { isPaused: () => false };
  /** the offsets each Fetch asked for, [p0, p1] */
  readonly requests: number[][] = [];
  /** the first Fetch from this offset (on partition 0) fails */
  failOnceFrom: number | undefined;

  /** kafkajs's fetch, as far as this is concerned: reads nextOffset for each partition, returns up to PER_FETCH records of each. */
  async fetchNow(this: FakeGroup): Promise<KafkajsBatch[]> {
    await Promise.resolve();
    const from = [0, 1].map((p) => Number(this.offsetManager.nextOffset('t', p).toString()));
    if (from[0] === this.failOnceFrom) {
      this.failOnceFrom = undefined;
      throw new Error('broker away');
    }
    this.requests.push(from);
    return from.map((start, p) => batchOf(p, start, Array.from({ length: Math.max(0, Math.min(PER_FETCH, LOG_LENGTH - start)) }, (_, i) => start + i)));
  }

  /** what kafkajs's runner does once a batch is handled */
  resolve(batch: KafkajsBatch): void {
    this.standing.set(batch.partition, Number(batch.lastOffset().toString()) + 1);
  }
}

function setup() {
  const group = new FakeGroup();
  const fetch = fetchingAhead<FakeGroup>(FakeGroup.prototype.fetchNow);
  const next = () => fetch.call(group, 1) as Promise<(KafkajsBatch & { offsets: number[] })[]>;
  return { group, next };
}

describe('fetching ahead (kafkajs ConsumerGroup#fetch)', () => {
  it('sends the next fetch from after the batches it returned, and hands it over once they are handled', async () => {
    const { group, next } = setup();
    const first = await next();
    expect(first.map((b) => b.offsets)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    // The ordinary fetch, then the one ahead, already sent from offset 3 before anything was handled.
    expect(group.requests).toEqual([
      [0, 0],
      [3, 3],
    ]);
    first.forEach((b) => group.resolve(b));
    const second = await next();
    expect(second.map((b) => b.offsets)).toEqual([
      [3, 4, 5],
      [3, 4, 5],
    ]);
    expect(group.requests).toHaveLength(3);
    // The consumer's own nextOffset is back once the fetch ahead is done.
    await Promise.resolve();
    expect(group.offsetManager.nextOffset('t', 0).toString()).toBe('3');
  });

  it('drops the batch ahead of a partition whose batch was not handled, and delivers that partition from where it stands', async () => {
    const { group, next } = setup();
    const first = await next();
    group.resolve(first[0]); // partition 1's handler failed: it stays at 0
    const second = await next();
    expect(second.map((b) => [b.partition, b.offsets])).toEqual([[0, [3, 4, 5]]]);
    second.forEach((b) => group.resolve(b));
    const third = await next();
    expect(third.map((b) => [b.partition, b.offsets])).toEqual([
      [0, [6, 7, 8]],
      [1, [0, 1, 2]],
    ]);
  });

  it('uses nothing fetched ahead after a rebalance (another group generation)', async () => {
    const { group, next } = setup();
    await next();
    group.generationId++;
    const afterRejoin = await next();
    expect(afterRejoin.map((b) => b.offsets)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(group.requests.slice(0, 3)).toEqual([
      [0, 0],
      [3, 3],
      [0, 0],
    ]);
  });

  it('fetches the ordinary way when the fetch ahead failed', async () => {
    const { group, next } = setup();
    group.failOnceFrom = 3; // the fetch ahead, sent from offset 3
    const first = await next();
    first.forEach((b) => group.resolve(b));
    const second = await next();
    expect(second.map((b) => b.offsets)).toEqual([
      [3, 4, 5],
      [3, 4, 5],
    ]);
    // From 0; from 3 ahead (failed, not recorded); from 3 the ordinary way; from 6 ahead.
    expect(group.requests).toEqual([
      [0, 0],
      [3, 3],
      [6, 6],
    ]);
  });
});

describe('positionsAfter', () => {
  it('is after the last offset, stays for an empty batch, and moves past records filtered out', () => {
    const after = positionsAfter([batchOf(0, 4, [4, 5]), batchOf(1, 7, []), batchOf(2, 9, [], true)]);
    expect([...after]).toEqual([
      ['t|0', '6'],
      ['t|1', '7'],
      ['t|2', '10'],
    ]);
  });
});

describe('useFetchAhead', () => {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: { fetch: unknown } };

  it('leaves kafkajs as it is with KAFKA_FETCH_AHEAD=off, and otherwise installs once', () => {
    const own = ConsumerGroup.prototype.fetch;
    expect(useFetchAhead({ KAFKA_FETCH_AHEAD: 'off' })).toBe(false);
    expect(ConsumerGroup.prototype.fetch).toBe(own);
    expect(useFetchAhead({})).toBe(true);
    const patched = ConsumerGroup.prototype.fetch;
    expect(patched).not.toBe(own);
    expect(useFetchAhead({ KAFKA_FETCH_AHEAD: 'on' })).toBe(true);
    expect(ConsumerGroup.prototype.fetch).toBe(patched);
  });
});
