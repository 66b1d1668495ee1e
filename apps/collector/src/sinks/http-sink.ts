import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { LogSink, messageOf } from '@pa/kafka';
import { DeliveryOptions, DeliveryOutcome, DeliveryQueue, QueuedSnapshot } from './delivery-queue';
import { parseRetryAfter } from './retry-delay';

const gzipAsync = promisify(gzip);

export interface HttpSinkOptions extends DeliveryOptions {
  /** gateway base URL, e.g. http://127.0.0.1:8080 */
  gatewayUrl: string;
  /** ms before one POST is abandoned (and retried) */
  requestTimeoutMs: number;
  /** API key with the ingest scope, sent as `Authorization: Bearer` */
  apiKey?: string;
}

/** The part of the global fetch we use; injected so specs can count calls. */
export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

/** Statuses worth retrying: timeouts, rate limits, the gateway or its Kafka being unavailable. */
const RETRY_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * POSTs snapshots to the ingest gateway as gzip NDJSON, in chunks. Retries 5xx/429 and
 * connection failures with backoff (honouring Retry-After); a 400 is logged with its
 * problem+json and not retried; a 413 splits the chunk in halves.
 */
export class HttpSink extends DeliveryQueue {
  constructor(options: HttpSinkOptions, logger: LogSink, fetchFn: FetchFn = fetch, random?: () => number) {
    const url = `${options.gatewayUrl.replace(/\/+$/, '')}/v1/snapshots`;
    const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
    super((chunk, signal) => postChunk(url, chunk, signal, options.requestTimeoutMs, fetchFn, auth), options, logger, random);
  }
}

async function postChunk(
  url: string,
  chunk: QueuedSnapshot[],
  stop: AbortSignal,
  timeoutMs: number,
  fetchFn: FetchFn,
  auth: Record<string, string>,
): Promise<DeliveryOutcome> {
  const body = await gzipAsync(Buffer.from(chunk.map((s) => s.json).join('\n') + '\n'));
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
        accept: 'application/json, application/problem+json',
        ...auth,
      },
      body,
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
    });
    // Always read the body: an unread body keeps undici's connection from being reused.
    text = await response.text();
  } catch (error) {
    return { kind: 'retry', reason: describeFetchError(error, url, timeoutMs) };
  }
  return outcomeOf(response.status, response.headers.get('retry-after'), text, Date.now());
}

/** Maps a gateway answer to what the queue should do. Pure, for the spec. */
export function outcomeOf(status: number, retryAfter: string | null, body: string, nowMs: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const problem = parseProblem(body);
  const detail = problem?.detail ?? (problem ? '' : body.slice(0, 200));
  const reason = `HTTP ${status} ${problem?.code ?? ''} ${detail}`.replace(/\s+/g, ' ').trim();
  if (status === 400 || status === 422) return { kind: 'rejected', reason, details: problem ?? body.slice(0, 2000) };
  if (status === 413) return { kind: 'split', reason };
  if (RETRY_STATUSES.has(status)) return { kind: 'retry', reason, retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  // A key the gateway refuses (or one outside its machines): the operator can fix it; keep the data.
  if (status === 401 || status === 403) return { kind: 'retry', reason: `${reason} (check COLLECTOR_API_KEY / COLLECTOR_API_KEY_FILE)` };
  // 404/415/401…: the gateway is misconfigured or not ours. Keep the data and keep asking, loudly,
  // since the operator can fix the URL; dropping it would be silent loss.
  return { kind: 'retry', reason: `${reason} (unexpected answer; check GATEWAY_URL)` };
}

function parseProblem(body: string): { code?: string; detail?: string; errors?: string[] } | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' ? (value as { code?: string; detail?: string }) : undefined;
  } catch {
    return undefined;
  }
}

/** fetch rejects with `TypeError: fetch failed` and hides the useful part (ECONNREFUSED…) in `cause`. */
function describeFetchError(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer from ${url} within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `POST ${url} failed: ${cause?.code ?? cause?.message ?? messageOf(error)}`;
}
