import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface OutboxState {
  shard: number;
  depth: number;
  /** now minus the oldest dirty range's creation, seconds; 0 when the outbox is empty */
  oldestAgeSeconds: number;
}

/** The summarizer's metrics; outbox depth and freshness are read from the shards at scrape time. */
export class SummarizerMetrics {
  readonly recomputeSeconds: Histogram<'shard'>;
  readonly outboxRowsDone: Counter<'shard'>;
  readonly minutesRecomputed: Counter<'shard'>;
  readonly fleetBucketsRebuilt: Counter<'shard'>;

  constructor(registry: Registry, outbox: () => Promise<OutboxState[]>) {
    const registers = [registry];
    const labelNames = ['shard'] as const;
    this.recomputeSeconds = new Histogram({
      name: 'pa_summarizer_recompute_seconds',
      help: 'One claim: outbox rows claimed, minutes, hours and days recomputed, committed',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.outboxRowsDone = new Counter({ name: 'pa_summarizer_outbox_rows_done_total', help: 'Outbox rows summarized', labelNames, registers });
    this.minutesRecomputed = new Counter({ name: 'pa_summarizer_minutes_recomputed_total', help: 'Machine-minute buckets recomputed from raw rows', labelNames, registers });
    this.fleetBucketsRebuilt = new Counter({
      name: 'pa_summarizer_fleet_buckets_rebuilt_total',
      help: 'Fleet rollup buckets (per process name, all machines of the node) rebuilt from per-machine rollups',
      labelNames,
      registers,
    });
    let last: Promise<OutboxState[]> | undefined;
    // Both gauges come from one query per shard per scrape.
    const read = () => (last ??= outbox().finally(() => setTimeout(() => (last = undefined), 500).unref()));
    new Gauge({
      name: 'pa_summarizer_outbox_depth',
      help: 'Dirty ranges waiting to be summarized, per shard',
      labelNames,
      registers,
      async collect() {
        for (const s of await read().catch(() => [])) this.set({ shard: String(s.shard) }, s.depth);
      },
    });
    new Gauge({
      name: 'pa_summarizer_rollup_freshness_seconds',
      help: 'Now minus the oldest dirty range still in the outbox, per shard: how stale rollups may be',
      labelNames,
      registers,
      async collect() {
        for (const s of await read().catch(() => [])) this.set({ shard: String(s.shard) }, s.oldestAgeSeconds);
      },
    });
  }
}
