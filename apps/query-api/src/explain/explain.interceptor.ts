import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, from, lastValueFrom } from 'rxjs';
import { API_KEY_GUARD, ApiKeyGuard, hasScope, principalOf } from '@pa/auth';
import { QueryErrorCode, invalidParameters, queryProblem } from '../errors/query.errors';
import { ExplainCollector, ExplainMode, ShardPlan, collectPlans } from './explain-context';

/** The query parameter every /v1 endpoint takes (README, "Query plans"). */
export const EXPLAIN_PARAM = 'explain';

const MODES: Record<string, ExplainMode | undefined> = { true: 'plan', '1': 'plan', analyze: 'analyze', false: undefined, '0': undefined, '': undefined };

/** An answer with the plans of the statements that made it. */
export interface ExplainedAnswer {
  answer: unknown;
  explain: { mode: ExplainMode; plans: ShardPlan[] };
}

/**
 * `explain=true|analyze` on any /v1 endpoint: admin keys only (403 otherwise). The parameter is
 * taken out of the query before the endpoint reads it (endpoints refuse unknown parameters), the
 * handler runs with a plan collector (ShardFanout records each statement's plan on its shard, in
 * the statement's own transaction and settings), and the answer comes back as
 * `{ answer, explain }`. Never cached: CachedAnswers computes while a collector is active.
 */
@Injectable()
export class ExplainInterceptor implements NestInterceptor {
  constructor(@Optional() @Inject(API_KEY_GUARD) private readonly guard?: ApiKeyGuard) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (!request.url.startsWith('/v1/') || !query || !(EXPLAIN_PARAM in query)) return next.handle();
    const mode = readMode(query[EXPLAIN_PARAM]);
    delete query[EXPLAIN_PARAM];
    if (mode === undefined) return next.handle();
    if (!hasScope(principalOf(request).scopes, 'admin')) {
      this.guard?.recordRefusal(request, 'explain without the admin scope');
      throw queryProblem(QueryErrorCode.MISSING_SCOPE, 'explain needs a key with the `admin` scope (plans show the data layout of every shard)');
    }
    const collector: ExplainCollector = { mode, plans: [] };
    void context.switchToHttp().getResponse<FastifyReply>().header('cache-control', 'no-store');
    return from(collectPlans(collector, async (): Promise<ExplainedAnswer> => ({ answer: await lastValueFrom(next.handle()), explain: collector })));
  }
}

function readMode(value: unknown): ExplainMode | undefined {
  if (typeof value !== 'string' || !(value in MODES)) throw invalidParameters([`${EXPLAIN_PARAM}: must be given once, as true, false or analyze`]);
  return MODES[value];
}
