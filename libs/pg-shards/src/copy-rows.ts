import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Streams COPY text-format chunks into `table (columns)` and returns the row count the server
 * reports. On any error the pipeline destroys the COPY stream, which sends CopyFail, so the
 * server discards the whole COPY (node-pg-copy-streams copy-from.js); the caller rolls back.
 * The rows are visible to the transaction once this resolves ('finish').
 */
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string>,
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return stream.rowCount;
}

const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** A value as a COPY text-format field: `\N` for null, backslash escapes for the four specials. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}
