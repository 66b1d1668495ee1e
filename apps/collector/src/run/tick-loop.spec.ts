import { ProcessSnapshot } from '@pa/contracts';
import { DeliveryStats, SnapshotSink } from '../sinks/snapshot-sink';
import { Clock, SnapshotSource, TickCounts, alignUp, runTicks } from './tick-loop';

class ListSink implements SnapshotSink {
  readonly received: ProcessSnapshot[][] = [];
  async send(snapshots: ProcessSnapshot[]) {
    this.received.push(snapshots);
  }
  stats(): DeliveryStats {
    return { snapshotsSent: 0, rowsSent: 0, snapshotsRejected: 0, failedAttempts: 0, buffered: 0, snapshotsUnsent: 0 };
  }
  async close() {
    return this.stats();
  }
}

/** A clock whose sleeps pass instantly; `cost` ms pass during every source call. */
function fakeClock(startMs: number) {
  let now = startMs;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
  return { clock, advance: (ms: number) => (now += ms) };
}

const source: SnapshotSource = async (ts) => [{ machine_id: 'm', ts: new Date(ts).toISOString(), processes: [] }];
const never = new AbortController().signal;
const NOW = Date.parse('2026-11-29T12:00:03Z');

describe('runTicks', () => {
  it('back-fills from --start to now, then ends', async () => {
    const sink = new ListSink();
    const counts: TickCounts = { ticks: 0, skipped: 0 };
    await runTicks(source, sink, { intervalMs: 10_000, startMs: NOW - 60_000 }, never, counts, fakeClock(NOW).clock);
    expect(sink.received.map((s) => s[0].ts)).toEqual(
      [-60, -50, -40, -30, -20, -10, 0].map((s) => new Date(NOW + s * 1000).toISOString()),
    );
    expect(counts.ticks).toBe(7);
  });

  it('back-fill stops after --ticks', async () => {
    const sink = new ListSink();
    const plan = { intervalMs: 1_000, startMs: NOW - 60_000, maxTicks: 3 };
    await runTicks(source, sink, plan, never, { ticks: 0, skipped: 0 }, fakeClock(NOW).clock);
    expect(sink.received).toHaveLength(3);
  });

  it('ticks in real time on interval boundaries, after notBefore', async () => {
    const sink = new ListSink();
    const plan = { intervalMs: 5_000, maxTicks: 3, notBeforeMs: NOW + 1_000 };
    await runTicks(source, sink, plan, never, { ticks: 0, skipped: 0 }, fakeClock(NOW).clock);
    expect(sink.received.map((s) => s[0].ts)).toEqual(['2026-11-29T12:00:05.000Z', '2026-11-29T12:00:10.000Z', '2026-11-29T12:00:15.000Z']);
  });

  it('skips slots it is too late for, and counts them', async () => {
    const sink = new ListSink();
    const { clock, advance } = fakeClock(NOW);
    const slow: SnapshotSource = async (ts) => {
      advance(12_000); // every tick takes 12 s of a 5 s interval
      return source(ts);
    };
    const counts: TickCounts = { ticks: 0, skipped: 0 };
    await runTicks(slow, sink, { intervalMs: 5_000, maxTicks: 3 }, never, counts, clock);
    expect(sink.received.map((s) => s[0].ts.slice(11, 19))).toEqual(['12:00:05', '12:00:15', '12:00:25']);
    expect(counts).toEqual({ ticks: 3, skipped: 2 });
  });

  it('stops when told', async () => {
    const stop = new AbortController();
    const sink = new ListSink();
    const stopping: SnapshotSource = async (ts) => {
      if (sink.received.length === 1) stop.abort();
      return source(ts);
    };
    await runTicks(stopping, sink, { intervalMs: 1_000 }, stop.signal, { ticks: 0, skipped: 0 }, fakeClock(NOW).clock);
    expect(sink.received).toHaveLength(2);
  });

  it('aligns to multiples of the interval', () => {
    expect(alignUp(10_001, 5_000)).toBe(15_000);
    expect(alignUp(10_000, 5_000)).toBe(10_000);
  });
});
