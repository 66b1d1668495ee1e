import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { ProcessSample, ProcessSnapshot } from '@pa/contracts';
import { ShardRouter } from '@pa/pg-shards';

/** The process_samples columns in the order the CSV files and INSERTs carry them: the writer's (libs/pg-shards). */
export { SAMPLE_COLUMNS } from '@pa/pg-shards';

export type SampleRow = (string | number | null)[];

/** One snapshot's process rows as column values (same order as SAMPLE_COLUMNS). */
export function sampleRows(snapshot: ProcessSnapshot): SampleRow[] {
  return snapshot.processes.map((p: ProcessSample) => [
    snapshot.ts, snapshot.machine_id, p.pid, p.ppid ?? null, p.name, p.username ?? null, p.cmdline ?? null,
    p.cpu_pct, p.mem_pct, p.rss_bytes, p.vms_bytes ?? null, p.threads ?? null, p.state ?? null,
    p.io_read_bytes ?? null, p.io_write_bytes ?? null, p.start_time ?? null,
  ]);
}

/** A value as a CSV field: NULL is the unquoted empty field (COPY's CSV default), text always quoted. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * Writes the process rows of `snapshots` into one CSV file per shard (routed like the writer routes
 * them), for `psql \copy … WITH (FORMAT csv)`. Returns the files and their row counts.
 */
export async function writeShardCsvFiles(
  snapshots: Iterable<ProcessSnapshot>,
  router: ShardRouter,
  dir: string,
): Promise<{ path: string; rows: number }[]> {
  const files = Array.from({ length: router.shardCount }, (_, shard) => ({ path: join(dir, `shard-${shard}.csv`), rows: 0 }));
  const streams = files.map((f) => createWriteStream(f.path));
  for (const snapshot of snapshots) {
    const shard = router.shardOf(snapshot.machine_id);
    const text = sampleRows(snapshot).map((row) => row.map(csvField).join(',')).join('\n') + '\n';
    files[shard].rows += snapshot.processes.length;
    await writeRespectingBackpressure(streams[shard], text);
  }
  await Promise.all(streams.map((s) => new Promise((resolve) => s.end(resolve))));
  return files;
}

async function writeRespectingBackpressure(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
