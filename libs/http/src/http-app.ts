import { DynamicModule, INestApplication, LogLevel, Type } from '@nestjs/common';
import { JsonLogger } from '@pa/telemetry';
import { Counter, Histogram, Registry } from 'prom-client';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemBody } from './problem.exception';
import { ProblemFilter } from './problem.filter';

export interface HttpAppOptions {
  /** service.name, on every log line */
  serviceName: string;
  /** largest request body Fastify reads, bytes */
  bodyLimitBytes?: number;
  /** hand every body to handlers as a raw Buffer (the handler decodes it) */
  rawBodies?: boolean;
  logLevels?: LogLevel[];
  /** where request counts and latencies by route and status go (`GET /metrics` serves it) */
  registry?: Registry;
  /** longest path parameter, characters after percent-decoding; longer is a 414 (Fastify's default: 100) */
  maxParamLength?: number;
}

/**
 * A Nest application on Fastify with problem+json errors and shutdown hooks, not yet listening.
 * With `rawBodies`, Fastify's JSON parser is replaced by one that hands over the bytes, so the
 * handler can deal with gzip, NDJSON and invalid UTF-8 itself and name what is wrong.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    routerOptions: { maxParamLength: options.maxParamLength ?? 100 },
    frameworkErrors: routerProblem,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new JsonLogger(options.serviceName, options.logLevels?.[0] ?? 'log'),
    bodyParser: !options.rawBodies,
    abortOnError: false,
  });
  if (options.rawBodies) {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }
  if (options.registry) countRequests(app, options.registry);
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  return app;
}

const ROUTER_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'the path is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is longer than this service accepts',
};

/**
 * The router's own refusals (a path that is not percent-encoded UTF-8, a parameter over
 * maxParamLength) as problem+json too. Fastify's message quotes the path: not echoed.
 */
function routerProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail = ROUTER_DETAILS[error.code] ?? 'the request could not be routed';
  void reply.status(status).header('content-type', 'application/problem+json').send(JSON.stringify(problemBody(status, error.code, detail)));
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
