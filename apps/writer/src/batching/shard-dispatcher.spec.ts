import { KafkaMessage } from 'kafkajs';
import { ShardRouter, ShardWriteError, evenShardMap } from '@pa/pg-shards';
import { buildSnapshot } from '@pa/testing';
import { ShardWriter, ShardWriteOutcome } from '../copy/shard-writer';
import { PendingSnapshot } from './pending-snapshot';
import { ShardDispatcher } from './shard-dispatcher';

const router = new ShardRouter(evenShardMap(2), 2);
/** Version 2: every bucket on shard 1, as after a move of shard 0's range. */
const movedRouter = new ShardRouter({ version: 2, ranges: [{ from: 0, to: 4095, shard: 1 }] }, 2);

function machineOn(shard: number, n: number): string {
  for (let i = 0; ; i++) if (router.shardOf(`m-${n}-${i}`) === shard) return `m-${n}-${i}`;
}

function item(shard: number, offset: number, partition = 0): PendingSnapshot {
  const snapshot = { ...buildSnapshot(machineOn(shard, offset), 2, 1_000 + offset), tsMs: 1_000 + offset };
  return { snapshot, source: `t:${partition}`, offset: String(offset), bytes: 100, message: {} as KafkaMessage };
}

/** A ShardWriter double: shards in `down` fail as unavailable; `refuse` offsets are refused for content. */
class FakeWriter {
  down = new Set<number>();
  refuse = new Set<string>();
  /** thrown by every write while set: a bug in our own code */
  bug: Error | undefined;
  /** shard → lowest map version it takes (a move's fence) */
  fences = new Map<number, number>();
  /** called just before a write is refused by a fence (a notification that arrives meanwhile) */
  onFenced: () => void = () => undefined;
  written: { shard: number; offsets: string[]; version?: number }[] = [];

  async write(shard: number, items: PendingSnapshot[], version: number): Promise<ShardWriteOutcome> {
    if (this.bug) throw this.bug;
    if (version < (this.fences.get(shard) ?? 0)) {
      this.onFenced();
      throw new ShardWriteError(shard, items.length, Object.assign(new Error('shard map version 1 is fenced off'), { code: 'PA001' }));
    }
    if (this.down.has(shard)) throw new ShardWriteError(shard, items.length, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const refused = items.filter((i) => this.refuse.has(i.offset)).map((i) => ({ item: i, reason: 'bad' }));
    this.written.push({ shard, offsets: items.filter((i) => !this.refuse.has(i.offset)).map((i) => i.offset) });
    return { inserted: items.length - refused.length, duplicates: 0, rows: 0, refused, conflicts: 0, fenceWaitMs: 0.5 };
  }
}

function setup() {
  const writer = new FakeWriter();
  const routing = { current: router, refreshes: 0, next: movedRouter };
  const events = { deadLettered: [] as string[], unparked: [] as string[][], fatal: [] as Error[], pauses: [] as number[], moveWaits: [] as string[] };
  const routes = {
    router: () => routing.current,
    refresh: async () => {
      routing.refreshes++;
      const changed = routing.current !== routing.next;
      routing.current = routing.next;
      return changed;
    },
  };
  const dispatcher = new ShardDispatcher(routes, writer as unknown as ShardWriter, { maxRows: 3, retryMinMs: 5, retryMaxMs: 20 }, {
    deadLetter: async (refused) => void events.deadLettered.push(...refused.map((r) => r.item.offset)),
    unparked: async (partitions) => void events.unparked.push([...partitions]),
    stored: () => undefined,
    failed: () => undefined,
    fatal: (error) => void events.fatal.push(error),
    paused: (shard) => void events.pauses.push(shard),
    waitedOnMove: (cause) => void events.moveWaits.push(cause),
  });
  return { writer, events, dispatcher, routing };
}

describe('ShardDispatcher', () => {
  it('writes each shard in chunks of at most maxRows rows', async () => {
    const { writer, dispatcher } = setup();
    await dispatcher.dispatch([item(0, 1), item(0, 2), item(1, 3)]);
    // Shards are written concurrently: compare per shard.
    expect(writer.written.filter((w) => w.shard === 0).map((w) => w.offsets)).toEqual([['1'], ['2']]);
    expect(writer.written.filter((w) => w.shard === 1).map((w) => w.offsets)).toEqual([['3']]);
  });

  it('parks a stopped shard’s snapshots, holds their offsets back, and lets the other shard go on', async () => {
    const { writer, dispatcher } = setup();
    writer.down.add(1);
    await dispatcher.dispatch([item(0, 10), item(1, 11), item(1, 12), item(0, 13)]);
    expect(writer.written.map((w) => w.offsets).flat()).toEqual(['10', '13']);
    expect(dispatcher.downShards()).toEqual([1]);
    expect(dispatcher.lowestParked('t:0')).toBe(11n);
    expect(dispatcher.parkedBytes).toBe(200);
    dispatcher.stop();
  });

  it('writes parked snapshots once the shard is back and reports their partitions', async () => {
    const { writer, events, dispatcher } = setup();
    writer.down.add(1);
    await dispatcher.dispatch([item(1, 20, 4)]);
    writer.down.delete(1);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => events.unparked.length && (clearInterval(check), resolve()), 5);
    });
    expect(events.unparked).toEqual([['t:4']]);
    expect(dispatcher.lowestParked('t:4')).toBeUndefined();
    expect(dispatcher.parkedBytes).toBe(0);
    expect(writer.written.at(-1)).toEqual({ shard: 1, offsets: ['20'] });
    dispatcher.stop();
  });

  it('dead-letters what a shard refuses for its content', async () => {
    const { writer, events, dispatcher } = setup();
    writer.refuse.add('31');
    await dispatcher.dispatch([item(0, 30), item(0, 31)]);
    expect(events.deadLettered).toEqual(['31']);
    expect(dispatcher.downShards()).toEqual([]);
  });

  it('throws a programmer error instead of parking or dead-lettering (issue 14)', async () => {
    const { writer, events, dispatcher } = setup();
    writer.bug = new TypeError("Cannot read properties of undefined (reading 'length')");
    await expect(dispatcher.dispatch([item(0, 50), item(1, 51)])).rejects.toBe(writer.bug);
    expect(events.deadLettered).toEqual([]);
    expect(dispatcher.downShards()).toEqual([]);
  });

  it('reports a programmer error met while retrying parked snapshots as fatal', async () => {
    const { writer, events, dispatcher } = setup();
    writer.down.add(1);
    await dispatcher.dispatch([item(1, 60)]);
    writer.bug = new RangeError('offset out of range');
    await new Promise<void>((resolve) => {
      const check = setInterval(() => events.fatal.length && (clearInterval(check), resolve()), 5);
    });
    expect(events.fatal).toEqual([writer.bug]);
    expect(events.deadLettered).toEqual([]);
    dispatcher.stop();
  });

  it('reloads the map when a node fences off its version and writes the rest where the new map says', async () => {
    const { writer, events, dispatcher, routing } = setup();
    writer.fences.set(0, 2);
    await dispatcher.dispatch([item(0, 70), item(0, 71), item(1, 72)]);
    expect(routing.refreshes).toBe(1);
    expect(writer.written.filter((w) => w.shard === 0)).toEqual([]);
    expect(writer.written.filter((w) => w.shard === 1).flatMap((w) => w.offsets).sort()).toEqual(['70', '71', '72']);
    expect(dispatcher.downShards()).toEqual([]);
    expect(events.deadLettered).toEqual([]);
    // Measured for issue 12's ingest pause: one refused write rewritten, a pause and a fence check per commit.
    expect(events.moveWaits.filter((c) => c === 'fenced_rewrite')).toHaveLength(1);
    expect(events.moveWaits.filter((c) => c === 'fence_lock')).toHaveLength(3);
    expect(events.pauses).toEqual([1, 1, 1]);
  });

  it('writes a moving range to both its owner and its target', async () => {
    const { writer, dispatcher, routing } = setup();
    routing.current = new ShardRouter({ version: 3, ranges: [{ from: 0, to: 4095, shard: 0, alsoWrite: 1 }] }, 2);
    await dispatcher.dispatch([item(0, 80), item(1, 81)]);
    expect(writer.written.filter((w) => w.shard === 0).flatMap((w) => w.offsets)).toEqual(['80', '81']);
    expect(writer.written.filter((w) => w.shard === 1).flatMap((w) => w.offsets)).toEqual(['80', '81']);
  });

  it('parks a fenced shard’s snapshots when the map did not change (the catalog is behind)', async () => {
    const { writer, dispatcher, routing } = setup();
    routing.next = routing.current;
    writer.fences.set(1, 5);
    await dispatcher.dispatch([item(1, 90)]);
    expect(dispatcher.downShards()).toEqual([1]);
    dispatcher.stop();
  });

  it('routes again when fenced even if the newer map arrived (by notification) before the refusal', async () => {
    const { writer, dispatcher, routing } = setup();
    writer.fences.set(0, 2);
    writer.onFenced = () => void (routing.current = routing.next);
    await dispatcher.dispatch([item(0, 100)]);
    expect(dispatcher.downShards()).toEqual([]);
    expect(writer.written.filter((w) => w.shard === 1).flatMap((w) => w.offsets)).toEqual(['100']);
  });

  it('writes parked snapshots to every shard the map of the moment names, the target of a move begun meanwhile too (issue 12)', async () => {
    const { writer, events, dispatcher, routing } = setup();
    writer.down.add(0);
    await dispatcher.dispatch([item(0, 110, 3)]);
    expect(dispatcher.downShards()).toEqual([0]);
    routing.next = new ShardRouter({ version: 2, ranges: [{ from: 0, to: 4095, shard: 0, alsoWrite: 1 }] }, 2);
    writer.down.delete(0);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => events.unparked.length && (clearInterval(check), resolve()), 5);
    });
    expect(writer.written.filter((w) => w.shard === 0).flatMap((w) => w.offsets)).toEqual(['110']);
    expect(writer.written.filter((w) => w.shard === 1).flatMap((w) => w.offsets)).toEqual(['110']);
    expect(events.unparked).toEqual([['t:3']]);
    // The commits that wrote the parked snapshots ended a pause on each shard.
    expect(events.pauses.sort()).toEqual([0, 1]);
    dispatcher.stop();
  });

  it('forgets everything parked on clear (a rebalance redelivers it)', async () => {
    const { writer, dispatcher } = setup();
    writer.down.add(0);
    await dispatcher.dispatch([item(0, 40)]);
    dispatcher.clear();
    expect(dispatcher.lowestParked('t:0')).toBeUndefined();
    expect(dispatcher.parkedBytes).toBe(0);
    dispatcher.stop();
  });
});
