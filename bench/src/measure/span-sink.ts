import { Server, createServer } from 'node:http';
import { freePort } from '../support/app-process';

/**
 * Stands in for Zipkin when tracing cost is measured: takes every POST of spans, counts requests and
 * bytes, answers 202. The apps then do all their tracing work (spans, batching, JSON, HTTP export)
 * while nothing in the bench stack spends CPU storing spans.
 */
export class SpanSink {
  requests = 0;
  bytes = 0;
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      this.requests++;
      req.on('data', (chunk: Buffer) => (this.bytes += chunk.length));
      req.on('end', () => res.writeHead(202).end());
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  /** Env that makes an app export to this sink (Zipkin JSON v2). */
  get exportEnv(): Record<string, string> {
    return { OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${this.port}/api/v2/spans` };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
