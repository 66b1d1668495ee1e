import { AppProcess, freePort, sleep } from '../support/app-process';
import { deadLetterTopicOf } from '@pa/contracts';
import { benchAuthHeaders } from '../support/bench-key';
import { benchCatalogUrl } from '../support/bench-databases';
import { CopyLoad } from './psql-copy';
import { metricSum, processCpuSeconds, processSystemCpuSeconds } from './load-profile';

export interface WriterDrain extends CopyLoad {
  /** /readyz seen to the poll that saw every row stored, s (how drains were timed before the writer's own clock) */
  polledSeconds: number;
  /** spawn to /readyz, s (Node and Nest boot, Kafka connect); not in `seconds` */
  bootSeconds: number;
  /** CPU the writer process used from spawn to done, s: near `seconds` means one core's worth (Node is single-threaded) */
  writerCpuSeconds: number;
  /** CPU the writer used from /readyz to done, s (the drain itself, without boot) */
  drainCpuSeconds: number;
  /** the kernel's part of `drainCpuSeconds` (socket writes and reads, TLS records' syscalls, page faults), s */
  drainSystemCpuSeconds: number;
  /** time inside shard transactions (ledger, COPY, outbox, commit), summed over shards, s */
  shardWriteSeconds: number;
  shardWrites: number;
  batches: number;
}

export interface WriterRun {
  brokers: string[];
  topic: string;
  groupId: string;
  shardUrls: string[];
  logDir: string;
  label: string;
  /** process rows on the topic: done when the writer has stored them all */
  expectedRows: number;
  onProgress?: (rows: number) => void;
  /** more environment for the writer (e.g. trace export) */
  env?: Record<string, string>;
  /** run the writer of this compiled tree (a baseline build) instead of the bench's own */
  buildRoot?: string;
}

interface WriterHealth {
  counters: { rows: number; deadLettered: number };
  /** epoch ms the writer's consumer started (group joined), and rows were last stored */
  consuming_since?: number;
  last_stored_at?: number;
}

/**
 * The real writer (defaults of apps/writer/.env.example) draining a pre-filled topic with a consumer
 * group of its own into fresh databases. Timed by the writer's own clock, from the moment its consumer
 * runs (group joined, before /readyz answers) to the commit of the last row on its shard: polling
 * /healthz every 100 ms would add up to 100 ms to a drain of about 3 s. A writer of an older tree
 * that does not report those times is timed from /readyz to the poll that sees every row. The
 * caller counts the rows in PostgreSQL after.
 */
export async function drainWithWriter(run: WriterRun): Promise<WriterDrain> {
  const port = await freePort();
  const writer = new AppProcess(
    'writer',
    {
      KAFKA_BROKERS: run.brokers.join(','),
      KAFKA_TOPIC: run.topic,
      KAFKA_DLQ_TOPIC: deadLetterTopicOf(run.topic),
      WRITER_GROUP_ID: run.groupId,
      PG_SHARDS: run.shardUrls.join(','),
      CATALOG_URL: benchCatalogUrl(run.shardUrls),
      WRITER_PORT: String(port),
      ...run.env,
    },
    run.logDir,
    run.label,
    [],
    run.buildRoot,
  );
  const spawned = performance.now();
  writer.start();
  try {
    await writer.waitReady(`http://127.0.0.1:${port}/readyz`);
    const ready = performance.now();
    const cpuAtReady = processCpuSeconds(writer.pid);
    const systemAtReady = processSystemCpuSeconds(writer.pid);
    const { rows, health } = await waitForRows(port, run.expectedRows, writer, run.onProgress);
    const polledSeconds = (performance.now() - ready) / 1000;
    const seconds = drainSeconds(health) ?? polledSeconds;
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: benchAuthHeaders() }).then((r) => r.text());
    const writerCpuSeconds = processCpuSeconds(writer.pid);
    const drainSystemCpuSeconds = processSystemCpuSeconds(writer.pid) - systemAtReady;
    return {
      rows,
      seconds,
      polledSeconds,
      bootSeconds: (ready - spawned) / 1000,
      writerCpuSeconds,
      drainCpuSeconds: writerCpuSeconds - cpuAtReady,
      drainSystemCpuSeconds,
      shardWriteSeconds: metricSum(metrics, 'pa_writer_shard_write_seconds_sum'),
      shardWrites: metricSum(metrics, 'pa_writer_shard_write_seconds_count'),
      batches: metricSum(metrics, 'pa_writer_batch_rows_count'),
    };
  } finally {
    await writer.stop();
  }
}

/** The drain's span by the writer's clock, s; undefined when the writer does not report it. */
function drainSeconds(health: WriterHealth): number | undefined {
  const { consuming_since: since, last_stored_at: last } = health;
  return since === undefined || last === undefined ? undefined : (last - since) / 1000;
}

async function waitForRows(port: number, expected: number, writer: AppProcess, onProgress?: (rows: number) => void): Promise<{ rows: number; health: WriterHealth }> {
  const deadlineMs = Date.now() + 30 * 60_000;
  for (;;) {
    const health = (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json())) as WriterHealth;
    onProgress?.(health.counters.rows);
    if (health.counters.deadLettered > 0) throw new Error(`the writer dead-lettered ${health.counters.deadLettered} records; see ${writer.logPath}`);
    if (health.counters.rows >= expected) return { rows: health.counters.rows, health };
    if (writer.hasExited || Date.now() > deadlineMs) throw new Error(`writer stopped at ${health.counters.rows}/${expected} rows; see ${writer.logPath}`);
    await sleep(100);
  }
}
