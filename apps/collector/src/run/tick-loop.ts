import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessSnapshot } from '@pa/contracts';
import { SnapshotSink } from '../sinks/snapshot-sink';

/** Produces the snapshots of one tick, stamped `tsMs`. */
export type SnapshotSource = (tsMs: number) => Promise<ProcessSnapshot[]>;

export interface TickPlan {
  intervalMs: number;
  /** stop after this many ticks; absent = until stopped */
  maxTicks?: number;
  /** back-fill: ticks at startMs, startMs + interval, … up to now, as fast as the sink takes them */
  startMs?: number;
  /** real time: no tick before this instant (the sampler needs one interval to measure CPU) */
  notBeforeMs?: number;
}

/** Counted as the loop runs, for the progress line. */
export interface TickCounts {
  ticks: number;
  /** real-time slots missed because a tick (or a full sink) took longer than the interval */
  skipped: number;
}

export interface Clock {
  now(): number;
  /** waits `ms`, or less if `signal` aborts */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(Math.max(0, ms), undefined, { signal }).catch(() => undefined),
};

/**
 * Runs ticks until `maxTicks`, until back-fill reaches now, or until `stop` aborts. Each tick's
 * snapshots are handed to the sink before the next tick starts, so a slow sink slows the loop
 * (back-fill) or makes it skip slots (real time) instead of growing memory.
 */
export async function runTicks(
  source: SnapshotSource,
  sink: SnapshotSink,
  plan: TickPlan,
  stop: AbortSignal,
  counts: TickCounts,
  clock = systemClock,
): Promise<void> {
  const isDone = () => stop.aborted || (plan.maxTicks !== undefined && counts.ticks >= plan.maxTicks);
  if (plan.startMs !== undefined) {
    for (let ts = plan.startMs; !isDone() && ts <= clock.now(); ts += plan.intervalMs) {
      await sink.send(await source(ts), stop);
      counts.ticks++;
      // Give timers, signals and sockets a turn even when the sink takes everything at once.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  let slot = alignUp(Math.max(clock.now(), plan.notBeforeMs ?? 0), plan.intervalMs);
  while (!isDone()) {
    // A late tick runs at once with its own timestamp; whole intervals already gone are skipped.
    const behind = Math.floor((clock.now() - slot) / plan.intervalMs);
    if (behind > 0) {
      counts.skipped += behind;
      slot += behind * plan.intervalMs;
    }
    await clock.sleep(slot - clock.now(), stop);
    if (stop.aborted) return;
    await sink.send(await source(slot), stop);
    counts.ticks++;
    slot += plan.intervalMs;
  }
}

/** Ticks fall on multiples of the interval since the epoch, so restarts and machines line up. */
export function alignUp(ms: number, intervalMs: number): number {
  return Math.ceil(ms / intervalMs) * intervalMs;
}
