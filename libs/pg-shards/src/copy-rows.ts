import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Streams COPY binary-format chunks (binary-copy.ts, header to trailer) into `table (columns)` and
 * returns the row count the server reports. On any error the pipeline destroys the COPY stream,
 * which sends CopyFail, so the server discards the whole COPY (node-pg-copy-streams copy-from.js);
 * the caller rolls back. The rows are visible to the transaction once this resolves ('finish').
 */
export async function copyRows(client: PoolClient, table: string, columns: readonly string[], chunks: Iterable<Buffer>): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return stream.rowCount;
}
