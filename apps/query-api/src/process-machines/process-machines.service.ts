import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import type { TopAnswerBody } from '@pa/contracts';
import { Aggregate, AggregateRow, TopOrder, mergeAggregates, mergeKeyed, parseAggregate, rankTop } from '../merge/partials';
import { readProcessName } from '../params/path-params';
import { QueryParams, RawQuery } from '../params/query-params';
import { readAllowPartial, readResolution, readWindow } from '../params/window-params';
import { maxResolution, planWindow } from '../planning/window-plan';
import { QUERY_CONFIG } from '../query-api.tokens';
import { ShardFanout } from '../shards/shard-fanout.service';
import { METRICS, METRIC_COLUMNS } from '../sql/metric-columns';
import { processMachinesSql } from './process-machines.sql';

const PARAMS = ['metric', 'order', 'limit', 'from', 'to', 'resolution', 'allow_partial'] as const;
const ORDERS: readonly TopOrder[] = ['sum', 'avg', 'max'];

export type ProcessMachinesAnswer = TopAnswerBody & { name: string };

/** Which machines run one process name most (GET /v1/processes/{name}/machines). */
import { ReadTenant } from '../tenant/read-tenant';
@Injectable()
export class ProcessMachinesService {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly shards: ShardFanout,
  ) {}

  async machines(name: string | undefined, raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<ProcessMachinesAnswer> {
    const q = new QueryParams(raw, PARAMS);
    const processName = readProcessName(q, 'name', name) as string;
    const metric = q.choice('metric', METRICS, 'cpu_pct');
    const order = q.choice('order', ORDERS, 'sum');
    const limit = q.int('limit', { min: 1, max: this.config.limits.maxTopLimit }, 10);
    const window = readWindow(q, this.config.limits, nowMs);
    const forced = readResolution(q, window, this.config.limits);
    const allowPartial = readAllowPartial(q);
    q.finish();
    const plan = planWindow(window, maxResolution(window, forced));
    const sql = processMachinesSql({ name: processName, metric, order, limit, plan, tenant });
    const isInteger = METRIC_COLUMNS[metric].sumType === 'numeric';
    const { values, missing } = await this.shards.scatter(this.shards.allShards, allowPartial, async (shard) =>
      (await this.shards.query<AggregateRow & { key: string }>(shard, sql)).map((row) => ({ key: row.key, value: parseAggregate(row, isInteger) })),
    );
    const merged = mergeKeyed<Aggregate>(values, mergeAggregates);
    return {
      name: processName,
      metric,
      by: 'machine',
      order,
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      resolution: plan.resolution,
      items: rankTop(merged, order, limit) as TopAnswerBody['items'],
      partial: missing.length > 0,
      missing_shards: missing,
    };
  }
}
