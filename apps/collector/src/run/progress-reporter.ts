import { LogSink } from '@pa/kafka';
import { DeliveryStats, SnapshotSink } from '../sinks/snapshot-sink';
import { TickCounts } from './tick-loop';

/** Logs one progress line every interval (and a last one at the end) while the collector runs. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private previous = { atMs: 0, snapshotsSent: 0 };

  constructor(
    private readonly sink: SnapshotSink,
    private readonly counts: TickCounts,
    private readonly logger: LogSink,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs: number): void {
    this.previous = { atMs: this.now(), snapshotsSent: 0 };
    // unref: a pending progress line must not keep a finished run alive.
    this.timer = setInterval(() => this.report(), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  report(stats: DeliveryStats = this.sink.stats()): void {
    const atMs = this.now();
    const seconds = Math.max(0.001, (atMs - this.previous.atMs) / 1000);
    const rate = (stats.snapshotsSent - this.previous.snapshotsSent) / seconds;
    this.previous = { atMs, snapshotsSent: stats.snapshotsSent };
    this.logger.log(formatProgress(stats, this.counts, rate));
  }
}

export function formatProgress(stats: DeliveryStats, counts: TickCounts, snapshotsPerSecond: number): string {
  const parts = [
    `ticks ${counts.ticks}${counts.skipped ? ` (${counts.skipped} skipped)` : ''}`,
    `sent ${stats.snapshotsSent} snapshots / ${stats.rowsSent} rows (${snapshotsPerSecond.toFixed(1)}/s)`,
    `errors ${stats.failedAttempts} retried, ${stats.snapshotsRejected} rejected`,
    `buffered ${stats.buffered}`,
  ];
  if (stats.snapshotsUnsent) parts.push(`UNSENT ${stats.snapshotsUnsent}`);
  return parts.join(', ');
}
