import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ProcessSnapshot } from '@pa/contracts';
import { LogSink } from '@pa/kafka';
import { HttpSink, HttpSinkOptions, outcomeOf } from './http-sink';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  snapshots: ProcessSnapshot[];
}

type Answer = (request: Received, res: ServerResponse) => void;

/** A gateway stand-in on 127.0.0.1 that records every POST and answers with the next scripted answer. */
async function startGateway(answers: Answer[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const text = gunzipSync(Buffer.concat(parts)).toString('utf8');
      const request = { at: Date.now(), headers: req.headers, snapshots: text.trim().split('\n').map((l) => JSON.parse(l)) };
      received.push(request);
      (answers.shift() ?? accept)(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const accept: Answer = (request, res) => {
  res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: request.snapshots.length }));
};

function recordingLogger() {
  const lines: { level: string; message: string; extra: unknown[] }[] = [];
  const at = (level: string) => (message: unknown, ...extra: unknown[]) => lines.push({ level, message: String(message), extra });
  const logger: LogSink = { log: at('log'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function snapshots(count: number, machine = 'sim-0001'): ProcessSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({
    machine_id: machine,
    ts: new Date(Date.parse('2026-11-29T12:00:00Z') + i * 1000).toISOString(),
    processes: [{ pid: i + 1, name: 'p', cpu_pct: 1, mem_pct: 1, rss_bytes: 1 }],
  }));
}

const OPTIONS: Omit<HttpSinkOptions, 'gatewayUrl'> = {
  requestTimeoutMs: 5_000,
  chunkSnapshots: 200,
  maxChunkBytes: 8 * 1024 * 1024,
  concurrency: 1,
  bufferSnapshots: 10_000,
  initialMs: 10,
  maxMs: 5_000,
};

const never = new AbortController().signal;

describe('HttpSink', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('POSTs gzip NDJSON to /v1/snapshots in chunks of at most 200', async () => {
    const gateway = await startGateway([]);
    server = gateway.server;
    const sink = new HttpSink({ ...OPTIONS, gatewayUrl: `${gateway.url}/` }, recordingLogger().logger);

    const sent = snapshots(450);
    await sink.send(sent);
    const stats = await sink.close(never);

    expect(gateway.received.map((r) => r.snapshots.length)).toEqual([200, 200, 50]);
    expect(gateway.received.flatMap((r) => r.snapshots)).toEqual(sent);
    expect(gateway.received[0].headers).toMatchObject({ 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    expect(stats).toEqual({ snapshotsSent: 450, rowsSent: 450, snapshotsRejected: 0, failedAttempts: 0, buffered: 0, snapshotsUnsent: 0 });
  });

  it('retries a 503 after its Retry-After, then delivers', async () => {
    const unavailable: Answer = (_, res) =>
      res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/problem+json' }).end('{"code":"BACKPRESSURE"}');
    const gateway = await startGateway([unavailable]);
    server = gateway.server;
    const { logger, lines } = recordingLogger();
    const sink = new HttpSink({ ...OPTIONS, gatewayUrl: gateway.url }, logger);

    await sink.send(snapshots(3));
    const stats = await sink.close(never);

    expect(gateway.received).toHaveLength(2);
    expect(gateway.received[1].at - gateway.received[0].at).toBeGreaterThanOrEqual(990);
    expect(gateway.received[1].snapshots).toEqual(gateway.received[0].snapshots);
    expect(stats).toMatchObject({ snapshotsSent: 3, failedAttempts: 1, snapshotsRejected: 0 });
    expect(lines.find((l) => l.level === 'warn')?.message).toMatch(/HTTP 503 BACKPRESSURE.*retrying in 1\d{3} ms/);
  });

  it('logs a 400 with its problem+json and does not retry it', async () => {
    const detail = '/snapshots/0/ts: is older than the retention of 90 days';
    const problem = { type: 'about:blank', status: 400, code: 'INVALID_SNAPSHOT', detail };
    const invalid: Answer = (_, res) => res.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem));
    const gateway = await startGateway([invalid]);
    server = gateway.server;
    const { logger, lines } = recordingLogger();
    const sink = new HttpSink({ ...OPTIONS, gatewayUrl: gateway.url }, logger);

    await sink.send(snapshots(2));
    const stats = await sink.close(never);

    expect(gateway.received).toHaveLength(1);
    expect(stats).toMatchObject({ snapshotsSent: 0, snapshotsRejected: 2, failedAttempts: 0, snapshotsUnsent: 0 });
    const error = lines.find((l) => l.level === 'error');
    expect(error?.message).toMatch(/2 snapshot\(s\) of sim-0001 refused, not retried: HTTP 400 INVALID_SNAPSHOT \/snapshots\/0\/ts/);
    expect(error?.extra).toEqual([problem]);
  });

  it('splits a chunk the gateway finds too large (413)', async () => {
    const tooLarge: Answer = (_, res) => res.writeHead(413).end();
    const gateway = await startGateway([tooLarge]);
    server = gateway.server;
    const sink = new HttpSink({ ...OPTIONS, gatewayUrl: gateway.url }, recordingLogger().logger);

    await sink.send(snapshots(5));
    const stats = await sink.close(never);

    expect(gateway.received.map((r) => r.snapshots.length)).toEqual([5, 3, 2]);
    expect(stats).toMatchObject({ snapshotsSent: 5, snapshotsRejected: 0 });
  });

  it('keeps retrying while nobody listens, and counts what is unsent when told to give up', async () => {
    const gateway = await startGateway([]);
    await new Promise<void>((resolve) => gateway.server.close(() => resolve())); // the port now refuses connections
    const { logger, lines } = recordingLogger();
    const sink = new HttpSink({ ...OPTIONS, gatewayUrl: gateway.url, chunkSnapshots: 2 }, logger);

    await sink.send(snapshots(5));
    const stats = await sink.close(AbortSignal.timeout(300));

    expect(stats.snapshotsSent).toBe(0);
    expect(stats.snapshotsUnsent).toBe(5);
    expect(stats.failedAttempts).toBeGreaterThanOrEqual(2);
    expect(lines[0].message).toMatch(/ECONNREFUSED/);
  });

  it('makes send() wait while the buffer is full, and stop waiting on its stop signal', async () => {
    const gateway = await startGateway([]);
    await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
    const sink = new HttpSink({ ...OPTIONS, gatewayUrl: gateway.url, bufferSnapshots: 3 }, recordingLogger().logger);
    await sink.send(snapshots(3));

    const stop = new AbortController();
    let isBuffered = false;
    const waiting = sink.send(snapshots(1)).then(() => (isBuffered = true));
    const stopped = sink.send(snapshots(2), stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isBuffered).toBe(false);
    stop.abort();
    await stopped;

    const stats = await sink.close(AbortSignal.timeout(50));
    await waiting;
    // The waiting send() was either buffered before close() gave up or counted as unsent: never lost.
    expect(sink.stats().snapshotsUnsent).toBe(6);
    expect(stats.snapshotsUnsent).toBeGreaterThanOrEqual(5);
  });
});

describe('outcomeOf', () => {
  it.each([
    [200, 'delivered'],
    [202, 'delivered'],
    [400, 'rejected'],
    [413, 'split'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [404, 'retry'],
    [401, 'retry'],
    [403, 'retry'],
  ])('maps %d to %s', (status, kind) => {
    expect(outcomeOf(status, null, '', 0).kind).toBe(kind);
  });
});
