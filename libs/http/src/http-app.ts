import { ConsoleLogger, INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemFilter } from './problem.filter';

export interface HttpAppOptions {
  /** largest request body Fastify reads, bytes */
  bodyLimitBytes?: number;
  /** hand every body to handlers as a raw Buffer (the handler decodes it) */
  rawBodies?: boolean;
  logLevels?: LogLevel[];
}

/** JSON log lines (one object per line) so that logs can be shipped and searched. */
export function createJsonLogger(logLevels?: LogLevel[]): ConsoleLogger {
  return new ConsoleLogger({ json: true, logLevels: logLevels ?? ['log', 'warn', 'error', 'fatal'] });
}

/**
 * A Nest application on Fastify with problem+json errors and shutdown hooks, not yet listening.
 * With `rawBodies`, Fastify's JSON parser is replaced by one that hands over the bytes, so the
 * handler can deal with gzip, NDJSON and invalid UTF-8 itself and name what is wrong.
 */
export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: createJsonLogger(options.logLevels),
    bodyParser: !options.rawBodies,
    abortOnError: false,
  });
  if (options.rawBodies) {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  return app;
}

/** Listens and resolves with the bound port (useful when 0 asked for an ephemeral one). */
export async function listen(app: INestApplication, host: string, port: number): Promise<number> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : port;
}
