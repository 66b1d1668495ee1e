import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemBody } from './problem.exception';

const ROUTER_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'the path is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is longer than this service accepts',
};

/**
 * The router's own refusals (a path that is not percent-encoded UTF-8, a parameter over
 * maxParamLength) as problem+json too. Fastify's message quotes the path: not echoed.
 */
export function routerProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail = ROUTER_DETAILS[error.code] ?? 'the request could not be routed';
  void reply.status(status).header('content-type', 'application/problem+json').send(JSON.stringify(problemBody(status, error.code, detail)));
}
