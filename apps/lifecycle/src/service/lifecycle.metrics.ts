import { Counter, Gauge, Registry } from 'prom-client';
import { DayStatus } from '../status/day-status';

export interface ShardDays {
  shard: number;
  days: DayStatus[];
}

/** The lifecycle's metrics; bytes and days per form are read from the shards at scrape time. */
export class LifecycleMetrics {
  readonly daysSealed: Counter<'shard' | 'outcome'>;
  readonly daysArchived: Counter<'shard' | 'outcome'>;
  readonly errors: Counter<'shard'>;
  readonly lastRun: Gauge<'shard'>;

  constructor(registry: Registry, days: () => Promise<ShardDays[]>) {
    const registers = [registry];
    this.daysSealed = new Counter({ name: 'pa_lifecycle_days_sealed_total', help: 'Days compressed or merged (outcome done), or left as heap after a failed verification (failed)', labelNames: ['shard', 'outcome'], registers });
    this.daysArchived = new Counter({ name: 'pa_lifecycle_days_archived_total', help: 'Days archived, verified and dropped (outcome dropped), or kept after a failed archive verification (failed)', labelNames: ['shard', 'outcome'], registers });
    this.errors = new Counter({ name: 'pa_lifecycle_errors_total', help: 'Runs on a shard that ended in an error', labelNames: ['shard'], registers });
    this.lastRun = new Gauge({ name: 'pa_lifecycle_last_run_timestamp_seconds', help: 'End of the last completed run on a shard, unix seconds', labelNames: ['shard'], registers });
    let last: Promise<ShardDays[]> | undefined;
    const read = () => (last ??= days().finally(() => setTimeout(() => (last = undefined), 500).unref()));
    new Gauge({
      name: 'pa_lifecycle_bytes',
      help: 'Bytes of raw samples per shard and form (heap: partitions and indexes; compressed: segment rows; archived: encrypted archive files on disk)',
      labelNames: ['shard', 'form'],
      registers,
      async collect() {
        for (const s of await read().catch(() => [])) {
          this.set({ shard: String(s.shard), form: 'heap' }, s.days.reduce((n, d) => n + d.heapBytes, 0));
          this.set({ shard: String(s.shard), form: 'compressed' }, s.days.reduce((n, d) => n + d.compressedBytes, 0));
          this.set({ shard: String(s.shard), form: 'archived' }, s.days.reduce((n, d) => n + (d.archive?.bytes ?? 0), 0));
        }
      },
    });
    new Gauge({
      name: 'pa_lifecycle_days',
      help: 'Days per shard and form (heap, compressed, compressed+late, archived, empty)',
      labelNames: ['shard', 'form'],
      registers,
      async collect() {
        for (const s of await read().catch(() => [])) {
          for (const form of ['heap', 'compressed', 'compressed+late', 'archived', 'empty']) {
            this.set({ shard: String(s.shard), form }, s.days.filter((d) => d.form === form).length);
          }
        }
      },
    });
  }
}
