import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemException, problemBody } from './problem.exception';

/** Fastify's own errors (body too large, bad content length…) carry a statusCode and a code. */
interface FastifyHttpError extends Error {
  statusCode?: number;
  code?: string;
}

/**
 * The one place errors become HTTP answers: problem+json for everything, a 500 (logged, with
 * the Error object) only for what nobody anticipated.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = this.toProblem(exception);
    void reply
      .status(status)
      .headers({ ...headers, 'content-type': 'application/problem+json' })
      .send(JSON.stringify(body));
  }

  private toProblem(exception: unknown) {
    if (exception instanceof ProblemException) {
      const { status, code, detail, extras } = exception;
      return { status, body: problemBody(status, code, detail, extras.errors), headers: extras.headers ?? {} };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, body: problemBody(status, `HTTP_${status}`, exception.message), headers: {} };
    }
    const fastifyError = exception as FastifyHttpError;
    if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      return { status, body: problemBody(status, fastifyError.code ?? `HTTP_${status}`, fastifyError.message), headers: {} };
    }
    this.logger.error(exception instanceof Error ? exception : new Error(String(exception)));
    return { status: 500, body: problemBody(500, 'INTERNAL', 'internal error; see the service log'), headers: {} };
  }
}
