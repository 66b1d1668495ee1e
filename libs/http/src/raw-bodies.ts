import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { BodyBudget, BodyClaim } from './body-budget';
import { readBody } from './body-reader';

export interface RawBodyOptions {
  /** largest body, bytes */
  limitBytes: number;
  /** bytes of bodies held at once over all requests (declared or read so far); past it 503 + Retry-After */
  maxInFlightBytes: number;
  /** longest silence between two chunks of a body, ms; past it 408 */
  idleTimeoutMs: number;
  /** time from a request's headers to its body's last byte, ms; past it 408 */
  timeoutMs: number;
}

/** What a client refused for lack of room is told to wait, seconds: bodies come and go in well under that. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Replaces Fastify's body parsers by one that hands every body over as a Buffer (the handler
 * decodes gzip, NDJSON and UTF-8 itself and can name what is wrong), read under a shared byte
 * budget and with timeouts. A request holds its share of the budget until its response is done
 * (or its connection closed): the handler keeps the bytes, decoded, until then.
 */
export function acceptRawBodies(fastify: FastifyInstance, options: RawBodyOptions, registry?: Registry): BodyBudget {
  const budget = new BodyBudget(options.maxInFlightBytes);
  const requests = new WeakMap<IncomingMessage, { claim: BodyClaim; startedAt: number }>();
  fastify.addHook('onRequest', (request, reply, done) => {
    const claim = budget.claim();
    requests.set(request.raw, { claim, startedAt: Date.now() });
    reply.raw.once('close', () => claim.release());
    done();
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', async (request: { raw: IncomingMessage }, payload: IncomingMessage) => {
    const { claim, startedAt } = requests.get(request.raw) ?? { claim: budget.claim(), startedAt: Date.now() };
    return readBody(payload, declaredBytes(request.raw), claim, {
      limitBytes: options.limitBytes,
      idleTimeoutMs: options.idleTimeoutMs,
      deadlineAt: startedAt + options.timeoutMs,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  });
  if (registry) {
    new Gauge({
      name: 'pa_http_body_bytes_in_flight',
      help: 'Bytes of request bodies held at once (declared or read so far)',
      registers: [registry],
      collect() {
        this.set(budget.inFlightBytes);
      },
    });
  }
  return budget;
}

/** The Content-Length, when the body has one (Node refuses a request with a malformed one). */
function declaredBytes(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || request.headers['transfer-encoding'] !== undefined) return undefined;
  const bytes = Number(header);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}
