import { readFileSync } from 'node:fs';
import { DynamicModule, INestApplication, LogLevel, Type } from '@nestjs/common';
import { JsonLogger } from '@pa/telemetry';
import { Counter, Histogram, Registry } from 'prom-client';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { answerClientError } from './client-error';
import { routerProblem } from './router-problem';
import { ProblemFilter } from './problem.filter';
import { RawBodyOptions, acceptRawBodies } from './raw-bodies';

export interface ServerTimeouts {
  /** time for a client to send its request headers, ms */
  headersTimeoutMs: number;
  /** time for a client to send its whole request, ms: Node's own check, a backstop to the body reader's */
  requestTimeoutMs: number;
  /** how long an idle keep-alive connection stays open, ms */
  keepAliveTimeoutMs: number;
}

export interface HttpAppOptions {
  /** service.name, on every log line */
  serviceName: string;
  /** largest request body Fastify reads, bytes (without rawBodies) */
  bodyLimitBytes?: number;
  /** hand every body to handlers as a raw Buffer (the handler decodes it), read under these limits */
  rawBodies?: RawBodyOptions;
  /** Node's connection timeouts (Node's defaults when not given) */
  timeouts?: ServerTimeouts;
  logLevels?: LogLevel[];
  /** where request counts and latencies by route and status go (`GET /metrics` serves it) */
  registry?: Registry;
  /** longest path parameter, characters after percent-decoding; longer is a 414 (Fastify's default: 100) */
  maxParamLength?: number;
  /** serve HTTPS with this PEM certificate and key (read at boot; plain HTTP is then not served) */
  tls?: { certFile: string; keyFile: string };
}

/** How often Node looks for requests past headersTimeout / requestTimeout, ms (its default: 30 s, so a 10 s timeout acted after up to 40 s). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/**
 * A Nest application on Fastify with problem+json errors and shutdown hooks, not yet listening.
 * With `rawBodies`, Fastify's JSON parser is replaced by one that hands over the bytes, so the
 * handler can deal with gzip, NDJSON and invalid UTF-8 itself and name what is wrong.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const timeouts = options.timeouts ? serverTimeouts(options.timeouts) : undefined;
  const adapter = new FastifyAdapter({
    bodyLimit: options.rawBodies?.limitBytes ?? options.bodyLimitBytes ?? 1024 * 1024,
    routerOptions: { maxParamLength: options.maxParamLength ?? 100 },
    frameworkErrors: routerProblem,
    clientErrorHandler: answerClientError,
    ...timeouts,
    // Fastify hands `https` (not `http`) to https.createServer, which takes http.Server's options too.
    ...(options.tls ? { https: { ...serverTls(options.tls), ...timeouts?.http } } : {}),
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new JsonLogger(options.serviceName, options.logLevels?.[0] ?? 'log'),
    bodyParser: !options.rawBodies,
    abortOnError: false,
  });
  if (options.rawBodies) acceptRawBodies(app.getHttpAdapter().getInstance(), options.rawBodies, options.registry);
  if (options.registry) countRequests(app, options.registry);
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  return app;
}

/** The PEM key and certificate; throws naming the file (never its content) when one cannot be read. */
function serverTls({ certFile, keyFile }: { certFile: string; keyFile: string }): { cert: string; key: string } {
  const read = (path: string, variable: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); infra/lib/tls.sh creates it, or set HTTP_PLAIN=true behind a TLS proxy`);
    }
  };
  return { cert: read(certFile, 'TLS_CERT_FILE'), key: read(keyFile, 'TLS_KEY_FILE') };
}

function serverTimeouts(t: ServerTimeouts) {
  // Node's request timeout a little later than the body reader's: the reader's 408 names what
  // stalled, Node's (for what the reader does not see) is only a backstop.
  const requestTimeout = t.requestTimeoutMs + CONNECTIONS_CHECKING_INTERVAL_MS;
  return {
    requestTimeout,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    http: { headersTimeout: t.headersTimeoutMs, requestTimeout, connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS },
  };
}

/** Listens and resolves with the bound port (useful when 0 asked for an ephemeral one). */
export async function listen(app: INestApplication, host: string, port: number): Promise<number> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : port;
}

/** Counts every answered request by route pattern and status, and times it, in a Fastify hook. */
function countRequests(app: NestFastifyApplication, registry: Registry): void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'pa_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'pa_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
      requests.inc(labels);
      latency.observe(labels, reply.elapsedTime / 1000);
      done();
    });
}
