import { FastifyInstance } from 'fastify';

const DAY_MS = 86_400_000;

/** The response header naming the part of a request's window that raw rows can no longer answer. */
export const ARCHIVED_RANGE_HEADER = 'x-archived-range';

/**
 * The ISO 8601 interval `<earliest>/<raw retention start>` of a request that reaches before the
 * raw retention (RETENTION_DAYS, the lifecycle's whole days), or undefined. Its earliest instant is
 * `from`, `at` or the start of `date`; unparsable values are left to the endpoint to refuse.
 */
export function archivedRange(query: Record<string, unknown>, nowMs: number, rawRetentionMs: number): string | undefined {
  const keptFromMs = Math.floor((nowMs - rawRetentionMs) / DAY_MS) * DAY_MS;
  const instants = [query.from, query.at, typeof query.date === 'string' ? `${query.date}T00:00:00Z` : undefined]
    .filter((v): v is string => typeof v === 'string')
    .map((v) => Date.parse(v))
    .filter((ms) => Number.isFinite(ms));
  if (instants.length === 0) return undefined;
  const earliest = Math.min(...instants);
  if (earliest >= keptFromMs) return undefined;
  return `${new Date(earliest).toISOString()}/${new Date(keptFromMs).toISOString()}`;
}

/**
 * Adds `x-archived-range` to every /v1 answer whose window reaches before the raw retention: that
 * part was answered from rollups only (1-minute ones are kept 30 days, hourly 400, daily always),
 * and raw reads (snapshots, sub-minute steps) find nothing there; `npm run lifecycle -- restore`
 * brings an archived day back.
 */
export function installArchivedRangeHeader(fastify: FastifyInstance, rawRetentionMs: number): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' && request.url.startsWith('/v1/')) {
      const range = archivedRange((request.query ?? {}) as Record<string, unknown>, Date.now(), rawRetentionMs);
      if (range) void reply.header(ARCHIVED_RANGE_HEADER, range);
    }
    return payload;
  });
}
