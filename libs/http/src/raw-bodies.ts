import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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
/** How long a connection whose body was refused stays open, dropping what still comes, before it is closed. */
const LINGER_MS = 2_000;

interface BodyState {
  claim: BodyClaim;
  startedAt: number;
  /** the body was refused (408, 413, 503): the answer closes the connection */
  isRefused: boolean;
}

/**
 * Replaces Fastify's body parsers by one that hands every body over as a Buffer (the handler
 * decodes gzip, NDJSON and UTF-8 itself and can name what is wrong), read under a shared byte
 * budget and with timeouts. A request holds its share of the budget until its response is done
 * (or its connection closed): the handler keeps the bytes, decoded, until then.
 */
export function acceptRawBodies(fastify: FastifyInstance, options: RawBodyOptions, registry?: Registry): BodyBudget {
  const budget = new BodyBudget(options.maxInFlightBytes);
  const requests = new WeakMap<IncomingMessage, BodyState>();
  fastify.addHook('onRequest', (request, reply, done) => {
    const state: BodyState = { claim: budget.claim(), startedAt: Date.now(), isRefused: false };
    requests.set(request.raw, state);
    reply.raw.once('close', () => state.claim.release());
    // Runs after Node's own 'finish' listener, which has just begun to close the connection.
    reply.raw.once('finish', () => state.isRefused && lingerBeforeClose(request.raw.socket));
    done();
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', async (request: { raw: IncomingMessage }, payload: IncomingMessage) => {
    const state = requests.get(request.raw) ?? { claim: budget.claim(), startedAt: Date.now(), isRefused: false };
    const limits = {
      limitBytes: options.limitBytes,
      idleTimeoutMs: options.idleTimeoutMs,
      deadlineAt: state.startedAt + options.timeoutMs,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
    return readBody(payload, declaredBytes(request.raw), state.claim, limits).catch((error: unknown) => {
      state.isRefused = true;
      throw error;
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

/**
 * Lingering close, as nginx does it. After an answer with `connection: close`, Node ends the
 * socket and destroys it as soon as its FIN is out (net.Socket#destroySoon). Closing a socket
 * with unread bytes makes the kernel reset the connection, and a client still sending its body
 * may then lose the answer it was sent (ECONNRESET instead of 503). So the destroy waits, while
 * Node's HTTP parser keeps reading and dropping the rest of the body, until the client closes or
 * LINGER_MS have passed.
 */
function lingerBeforeClose(socket: Socket): void {
  if (socket.destroyed || !socket.listeners('finish').includes(socket.destroy)) return;
  socket.removeListener('finish', socket.destroy);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The Content-Length, when the body has one (Node refuses a request with a malformed one). */
function declaredBytes(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || request.headers['transfer-encoding'] !== undefined) return undefined;
  const bytes = Number(header);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}
