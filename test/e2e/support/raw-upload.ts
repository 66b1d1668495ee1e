import { Socket, connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { authHeaders } from './auth';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface UploadOptions {
  /** Content-Length to declare; chunked transfer when not given */
  declaredBytes?: number;
  /** body bytes to send after the headers before going silent (one chunk when chunked) */
  send: Buffer;
  /** header lines only, not even the blank line that ends them */
  headersOnly?: boolean;
}

/**
 * A POST over a raw socket that sends its headers and part of a body, then stalls: what a slow
 * or hostile client does, which fetch cannot. Keeps every byte the server sends and whether the
 * server closed the connection.
 */
export class RawUpload {
  private received = Buffer.alloc(0);
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    // A server that closes while this side still has bytes to send resets the connection: what
    // arrived before the reset is still the answer.
    socket.on('error', () => undefined);
    socket.on('close', () => (this.isClosed = true));
  }

  static open(url: string, path: string, options: UploadOptions): Promise<RawUpload> {
    const { hostname, port, protocol } = new URL(url);
    // https: TLS first (the CA comes from NODE_EXTRA_CA_CERTS, as for fetch), then the same bytes.
    const isTls = protocol === 'https:';
    const socket = isTls ? connectTls({ port: Number(port), host: hostname }) : connect(Number(port), hostname);
    const upload = new RawUpload(socket);
    const length = options.declaredBytes === undefined ? 'transfer-encoding: chunked' : `content-length: ${options.declaredBytes}`;
    const head = `POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: ${authHeaders().authorization}\r\ncontent-type: application/json\r\n${length}\r\n`;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once(isTls ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        if (options.headersOnly) {
          socket.write(head);
        } else {
          const chunkHead = options.declaredBytes === undefined ? `${options.send.length.toString(16)}\r\n` : '';
          socket.write(`${head}\r\n${chunkHead}`);
          socket.write(options.send);
        }
        resolve(upload);
      });
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The server's answer, once all of it (per its content-length) has arrived. */
  response(): RawResponse | undefined {
    const text = this.received.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const body = this.received.subarray(end + 4);
    if (body.length < Number(headers['content-length'] ?? 0)) return undefined;
    return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
  }

  /** More body bytes (raw: a chunked body's framing is the caller's). */
  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
