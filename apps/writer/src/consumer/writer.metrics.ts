import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Fine around issue 12's 2 s target for a move's ingest pause, so the histogram alone says MET or MISSED. */
const PAUSE_SECONDS = [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 5, 10, 30, 60];

/** The writer's metrics; lag and parking are read at scrape time from the functions given. */
export class WriterMetrics {
  readonly consumed: Counter;
  readonly deadLettered: Counter;
  readonly foreignMachines: Counter<'tenant'>;
  readonly snapshotsStored: Counter<'shard'>;
  readonly duplicates: Counter<'shard'>;
  readonly conflicts: Counter<'shard'>;
  readonly rowsCopied: Counter<'shard'>;
  readonly shardErrors: Counter<'shard'>;
  readonly batchRows: Histogram;
  readonly copySeconds: Histogram<'shard'>;
  readonly ingestPause: Histogram<'shard'>;
  readonly moveWait: Histogram<'cause'>;

  constructor(
    registry: Registry,
    lag: () => Promise<{ partition: number; lag: number }[]>,
    parked: () => { bytes: number; shardsDown: number[] },
  ) {
    const registers = [registry];
    this.consumed = new Counter({ name: 'pa_writer_records_consumed_total', help: 'Kafka records consumed', registers });
    this.deadLettered = new Counter({ name: 'pa_writer_dlq_records_total', help: 'Records sent to the DLQ', registers });
    this.foreignMachines = new Counter({
      name: 'pa_writer_foreign_machine_records_total',
      help: "Records on a tenant topic for a machine outside that tenant (dead-lettered, reason 'machine outside tenant')",
      labelNames: ['tenant'],
      registers,
    });
    const shard = ['shard'] as const;
    this.snapshotsStored = new Counter({ name: 'pa_writer_snapshots_stored_total', help: 'Snapshots newly stored', labelNames: shard, registers });
    this.duplicates = new Counter({ name: 'pa_writer_duplicates_dropped_total', help: 'Snapshots already in the ledger (replays, retried POSTs)', labelNames: shard, registers });
    this.conflicts = new Counter({
      name: 'pa_writer_conflicts_total',
      help: 'Snapshots refused because another snapshot with the same machine_id and ts but other content is stored (dead-lettered)',
      labelNames: shard,
      registers,
    });
    this.rowsCopied = new Counter({ name: 'pa_writer_rows_copied_total', help: 'Process rows copied', labelNames: shard, registers });
    this.shardErrors = new Counter({ name: 'pa_writer_shard_errors_total', help: 'Failed shard writes (the snapshots are parked and retried)', labelNames: shard, registers });
    this.batchRows = new Histogram({
      name: 'pa_writer_batch_rows',
      help: 'Process rows per consumed batch',
      buckets: [10, 100, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000],
      registers,
    });
    this.copySeconds = new Histogram({ name: 'pa_writer_shard_write_seconds', help: 'One shard transaction: ledger insert, COPY, outbox, commit', labelNames: shard, buckets: SECONDS, registers });
    this.ingestPause = new Histogram({
      name: 'pa_writer_ingest_pause_seconds',
      help: 'At each commit on a shard: how long the shard went without a commit while snapshots for it waited (fence waits, fenced rewrites, locks, outages)',
      labelNames: shard,
      buckets: PAUSE_SECONDS,
      registers,
    });
    this.moveWait = new Histogram({
      name: 'pa_writer_move_wait_seconds',
      help: 'Time a shard write spent on a bucket move: fence_lock = the fence check (waits while a move raises the fence), fenced_rewrite = a write refused by a fence until rewritten under the new map',
      labelNames: ['cause'],
      buckets: PAUSE_SECONDS,
      registers,
    });
    new Gauge({
      name: 'pa_writer_consumer_lag',
      help: 'Records on the topic not yet committed by the writer group, per partition',
      labelNames: ['partition'],
      registers,
      async collect() {
        this.reset();
        for (const p of await lag().catch(() => [])) this.set({ partition: String(p.partition) }, p.lag);
      },
    });
    new Gauge({ name: 'pa_writer_parked_bytes', help: 'Bytes of snapshots held for stopped shards', registers, collect() { this.set(parked().bytes); } });
    new Gauge({
      name: 'pa_writer_shards_down',
      help: 'Shards currently unavailable to the writer (1 = down)',
      labelNames: shard,
      registers,
      collect() {
        this.reset();
        for (const s of parked().shardsDown) this.set({ shard: String(s) }, 1);
      },
    });
  }
}
