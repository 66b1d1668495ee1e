import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SAMPLE_COLUMNS } from '../data/csv-files';

const run = promisify(execFile);

export interface CopyLoad {
  rows: number;
  seconds: number;
}

/**
 * `psql \copy <table> FROM '<csv>' WITH (FORMAT csv)` on every shard at once (one file per shard,
 * the writer's routing): the physical limit of loading these rows into these nodes. `table` is
 * `process_samples` (the partitioned parent) or one day's partition. Wall time, psql start included.
 */
export async function psqlCopy(urls: string[], files: { path: string }[], table: string): Promise<CopyLoad> {
  const started = performance.now();
  const counts = await Promise.all(
    urls.map(async (url, shard) => {
      const command = `\\copy ${table} (${SAMPLE_COLUMNS.join(', ')}) FROM '${files[shard].path}' WITH (FORMAT csv)`;
      const { stdout } = await run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', command], { maxBuffer: 1 << 20 });
      const match = /COPY (\d+)/.exec(stdout);
      if (!match) throw new Error(`psql \\copy into ${table} said: ${stdout.trim()}`);
      return Number(match[1]);
    }),
  );
  return { rows: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000 };
}
