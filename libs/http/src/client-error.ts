import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problemBody } from './problem.exception';

/**
 * Fastify's `clientErrorHandler`: what Node could not even hand over as a request (headers too
 * slow, too large, not HTTP) gets a problem+json answer, when no response has started on the
 * socket, and the connection is closed. Node's error (it may quote the bytes received) is not echoed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Node's own handler checks the same: bytes of a started response must not be followed by ours.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, detail] = describe(error.code);
  const body = JSON.stringify(problemBody(status, code, detail));
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\n`;
  // end(), then destroy once flushed: a destroy right after write() may drop the answer.
  socket.end(`${head}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, () => socket.destroy());
}

function describe(code: string | undefined): [number, string, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time; nothing was accepted'];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'HEADERS_TOO_LARGE', 'the request headers are too large'];
  return [400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'];
}
