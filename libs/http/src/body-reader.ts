import type { Readable } from 'node:stream';
import { BodyClaim } from './body-budget';
import { ProblemException } from './problem.exception';

/** Codes of the answers to a body that cannot be read; each has one status. */
export enum BodyErrorCode {
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
  BODY_BACKPRESSURE = 'BODY_BACKPRESSURE',
  BODY_INCOMPLETE = 'BODY_INCOMPLETE',
}

const STATUS: Record<BodyErrorCode, number> = {
  [BodyErrorCode.REQUEST_TIMEOUT]: 408,
  [BodyErrorCode.BODY_TOO_LARGE]: 413,
  [BodyErrorCode.BODY_BACKPRESSURE]: 503,
  [BodyErrorCode.BODY_INCOMPLETE]: 400,
};

export interface BodyReadLimits {
  /** largest body, bytes */
  limitBytes: number;
  /** longest silence between two chunks of the body, ms */
  idleTimeoutMs: number;
  /** when (Date.now() clock) the last byte must have arrived */
  deadlineAt: number;
  /** what a refused client is told to wait (Retry-After), seconds */
  retryAfterSeconds: number;
}

/**
 * Reads a request body into one Buffer, holding its bytes against `claim`: the declared
 * Content-Length up front (refused before anything is read), chunked bodies chunk by chunk.
 * Rejects with a ProblemException: 413 past `limitBytes`, 503 + Retry-After when the budget has no
 * room, 408 when the body stalls or is late, 400 when the client goes away mid-body. After a
 * rejection the rest of the body is discarded as it comes (the caller answers with
 * `connection: close`, which ends the socket).
 */
export function readBody(body: Readable, declaredBytes: number | undefined, claim: BodyClaim, limits: BodyReadLimits): Promise<Buffer> {
  if (declaredBytes !== undefined && declaredBytes > limits.limitBytes) return Promise.reject(tooLarge(limits));
  if (declaredBytes !== undefined && !claim.grow(declaredBytes)) return Promise.reject(noRoom(limits));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const deadline = setTimeout(() => fail(late('did not arrive in full')), Math.max(0, limits.deadlineAt - Date.now()));
    const idle = setTimeout(() => fail(late(`stalled: nothing arrived for ${limits.idleTimeoutMs} ms`)), limits.idleTimeoutMs);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.limitBytes) return fail(tooLarge(limits));
      if (declaredBytes === undefined && !claim.grow(chunk.length)) return fail(noRoom(limits));
      chunks.push(chunk);
      idle.refresh(); // restarts the same timer: cheaper than a new one per chunk
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, received));
    };
    // Node emits 'error' (ECONNRESET, "aborted") or a bare 'close' when the client goes away mid-body.
    const onGone = () => fail(problem(BodyErrorCode.BODY_INCOMPLETE, `the body ended after ${received} bytes, before it was complete`));
    function stop(): void {
      clearTimeout(deadline);
      clearTimeout(idle);
      body.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
    }
    function fail(error: ProblemException): void {
      stop();
      chunks.length = 0;
      body.on('error', () => undefined);
      body.resume(); // discard what still comes until the socket is closed
      reject(error);
    }
    body.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
}

function problem(code: BodyErrorCode, detail: string, headers: Record<string, string> = {}): ProblemException {
  // The client may still be sending: only closing the connection stops Node from reading the rest.
  return new ProblemException(STATUS[code], code, detail, { headers: { ...headers, connection: 'close' } });
}

function tooLarge(limits: BodyReadLimits): ProblemException {
  return problem(BodyErrorCode.BODY_TOO_LARGE, `body is larger than ${limits.limitBytes} bytes`);
}

function noRoom(limits: BodyReadLimits): ProblemException {
  return problem(BodyErrorCode.BODY_BACKPRESSURE, 'too many request bodies are being received at once; nothing was accepted, retry later', {
    'retry-after': String(limits.retryAfterSeconds),
  });
}

function late(what: string): ProblemException {
  return problem(BodyErrorCode.REQUEST_TIMEOUT, `the request body ${what}; nothing was accepted`);
}
