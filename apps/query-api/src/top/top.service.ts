import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import { Answered, CachedAnswers, FleetAnswer } from '../cache/cached-answers.service';
import { RankedItem, TopOrder, mergeAggregates, mergeKeyed, rankTop } from '../merge/partials';
import { QueryParams, RawQuery } from '../params/query-params';
import { planWithinBudget, readAllowPartial, readResolution, readWindow } from '../params/window-params';
import { Resolution } from '../planning/window-plan';
import { QUERY_CONFIG } from '../query-api.tokens';
import { ReadTenant } from '../tenant/read-tenant';
import { METRICS, Metric } from '../sql/metric-columns';
import { TOP_BY, TOP_ORDERS, TopBy, TopQuery, TopRepository } from './top.repository';

export interface TopAnswer extends FleetAnswer {
  metric: Metric;
  by: TopBy;
  order: TopOrder;
  from: string;
  to: string;
  resolution: Resolution;
  items: RankedItem[];
}

const PARAMS = ['metric', 'by', 'order', 'limit', 'from', 'to', 'resolution', 'allow_partial'] as const;

/** Fleet-wide top-N of one metric, by process name or by machine. */
@Injectable()
export class TopService {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly repository: TopRepository,
    private readonly answers: CachedAnswers,
  ) {}

  /** The cache key holds `tenant` (it is part of the query), so no answer crosses tenants. */
  async top(raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<Answered<TopAnswer>> {
    const { query, allowPartial } = this.parse(raw, nowMs, tenant);
    return this.answers.answer('top', { ...query }, allowPartial, async () => {
      const { values, missing } = await this.repository.groups(query, allowPartial);
      const merged = mergeKeyed(values, mergeAggregates);
      return {
        metric: query.metric,
        by: query.by,
        order: query.order,
        from: new Date(query.plan.window.from).toISOString(),
        to: new Date(query.plan.window.to).toISOString(),
        resolution: query.plan.resolution,
        items: rankTop(merged, query.order, query.limit),
        partial: missing.length > 0,
        missing_shards: missing,
      };
    });
  }

  private parse(raw: RawQuery, nowMs: number, tenant: ReadTenant): { query: TopQuery; allowPartial: boolean } {
    const limits = this.config.limits;
    const q = new QueryParams(raw, PARAMS);
    const metric = q.choice('metric', METRICS, 'cpu_pct');
    const by = q.choice('by', TOP_BY, 'process');
    const order = q.choice('order', TOP_ORDERS, 'sum');
    const limit = q.int('limit', { min: 1, max: limits.maxTopLimit }, 10);
    const window = readWindow(q, limits, nowMs);
    const forced = readResolution(q, window, limits);
    const allowPartial = readAllowPartial(q);
    q.finish();
    const plan = planWithinBudget(window, limits, forced);
    return { query: { metric, by, order, limit, plan, tenant }, allowPartial };
  }
}
