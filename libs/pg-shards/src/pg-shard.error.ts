/** Base error of libs/pg-shards: which shard failed and whether trying again can succeed. */
export class PgShardError extends Error {
  constructor(message: string, readonly shard: number, readonly retriable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A write of a batch to one shard failed; `rows` is how many rows it carried. */
export class ShardWriteError extends PgShardError {
  constructor(shard: number, readonly rows: number, cause: unknown) {
    super(`shard ${shard}: write of ${rows} rows failed: ${errorMessage(cause)}`, shard, isRetriablePgError(cause), { cause });
  }
}

// SQLSTATE classes that say "the server or the connection", not "your data": try again later.
// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown),
// 58 system error; 40001/40P01 serialization failure and deadlock; 23514 (no partition for a row)
// and 42P01 (the day partition we COPY into does not exist) mean a partition is missing, created
// on the retry.
const RETRIABLE_SQLSTATE_CLASSES = ['08', '53', '57', '58'];
const RETRIABLE_SQLSTATES = ['40001', '40P01', '23514', '42P01', '55P03', '25P03'];
const RETRIABLE_NODE_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'];

/** True when the error comes from the server or network being unavailable rather than from the data. */
export function isRetriablePgError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (RETRIABLE_NODE_CODES.includes(code) || RETRIABLE_SQLSTATES.includes(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return RETRIABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2));
  }
  // pg reports a dropped socket as a plain Error with no code.
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
