import { Client } from 'pg';
import { ProcessSnapshot } from '@pa/contracts';
import { ShardRouter } from '@pa/pg-shards';
import { SAMPLE_COLUMNS, SampleRow, sampleRows } from '../data/csv-files';
import { CopyLoad } from './psql-copy';

/**
 * The seed's write path: multi-row parameterized INSERTs of `batchRows` rows (SQLAlchemy's
 * bulk_insert_mappings), one connection per shard, shards in parallel, each statement its own
 * transaction. The rows are built while the previous statement runs, as an ORM would.
 */
export async function insertBatches(
  urls: string[],
  router: ShardRouter,
  snapshots: () => Iterable<ProcessSnapshot>,
  batchRows: number,
): Promise<CopyLoad> {
  const started = performance.now();
  const counts = await Promise.all(urls.map((url, shard) => insertShard(url, shard, router, snapshots(), batchRows)));
  return { rows: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000 };
}

async function insertShard(url: string, shard: number, router: ShardRouter, snapshots: Iterable<ProcessSnapshot>, batchRows: number): Promise<number> {
  const client = new Client({ connectionString: url, options: '-c TimeZone=UTC' });
  await client.connect();
  let rows = 0;
  try {
    let batch: SampleRow[] = [];
    for (const snapshot of snapshots) {
      if (router.shardOf(snapshot.machine_id) !== shard) continue;
      for (const row of sampleRows(snapshot)) {
        batch.push(row);
        if (batch.length === batchRows) {
          rows += await insertRows(client, batch);
          batch = [];
        }
      }
    }
    if (batch.length) rows += await insertRows(client, batch);
  } finally {
    await client.end();
  }
  return rows;
}

const statements = new Map<number, string>();

/** `INSERT … VALUES ($1, …, $16), ($17, …)` for `n` rows (16 × 1,000 parameters: under the 65,535 cap). */
function insertStatement(n: number): string {
  let sql = statements.get(n);
  if (sql) return sql;
  const width = SAMPLE_COLUMNS.length;
  const tuples = Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`);
  sql = `INSERT INTO process_samples (${SAMPLE_COLUMNS.join(', ')}) VALUES ${tuples.join(',')}`;
  statements.set(n, sql);
  return sql;
}

async function insertRows(client: Client, rows: SampleRow[]): Promise<number> {
  const result = await client.query(insertStatement(rows.length), rows.flat());
  return result.rowCount ?? 0;
}
