/** Base error of libs/pg-shards: which shard failed and whether trying again can succeed. */
export class PgShardError extends Error {
  constructor(message: string, readonly shard: number, readonly retriable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A write of a batch to one shard failed; `rows` is how many rows it carried. `isDataRefusal`:
 * the server refused the data itself (not its availability), so the snapshot that carries it can
 * be isolated and dead-lettered. Anything else that is not retriable is a bug or a broken setup
 * (permissions, schema), which must stop the writer rather than drain the topic into the DLQ.
 */
export class ShardWriteError extends PgShardError {
  readonly isDataRefusal: boolean;
  /** the node refused the writer's shard map version (a bucket move fenced it): reload the map, route again */
  readonly isFenced: boolean;

  constructor(shard: number, readonly rows: number, cause: unknown) {
    super(`shard ${shard}: write of ${rows} rows failed: ${errorMessage(cause)}`, shard, isRetriablePgError(cause) || isFencedError(cause), { cause });
    this.isDataRefusal = !this.retriable && isPgDataError(cause);
    this.isFenced = isFencedError(cause);
  }
}

/** SQLSTATE PA001, raised by pa_check_map_version (migration 010). */
export function isFencedError(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'PA001';
}

// SQLSTATE classes that say "this value": 22 data exception (invalid text, out of range,
// invalid byte sequence), 23 integrity constraint violation (NOT NULL, CHECK; 23514 for a missing
// partition is retriable above), 54 program limit exceeded (a value too large for an index row).
const DATA_SQLSTATE_CLASSES = ['22', '23', '54'];

/** True when PostgreSQL refused a value of the data (an error response with a data SQLSTATE). */
export function isPgDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && DATA_SQLSTATE_CLASSES.includes(code.slice(0, 2));
}

/**
 * True for what the driver or server says about a shard, as opposed to a programmer error
 * (TypeError, RangeError…) thrown by our own code on the way, which must never be wrapped.
 */
export function isShardSideError(error: unknown): boolean {
  if (!(error instanceof Error) || isProgrammerError(error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || isRetriablePgError(error);
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

/** The errors JavaScript throws for a bug in our own code (Node's own TypeErrors carry a `code` too). */
export function isProgrammerError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError;
}
