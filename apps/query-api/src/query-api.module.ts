import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { API_KEY_GUARD, ApiKeyGuard } from '@pa/auth';
import { QueryConfig } from '@pa/config';
import { METRICS_REGISTRY, Observability, observabilityModules } from '@pa/telemetry';
import { Registry } from 'prom-client';
import { CachedAnswers } from './cache/cached-answers.service';
import { QueryCache } from './cache/query-cache.service';
import { ExplainInterceptor } from './explain/explain.interceptor';
import { HealthController } from './health/health.controller';
import { INSIGHTS_CONTROLLERS, INSIGHTS_PROVIDERS } from './insights/insights.parts';
import { MachinesController } from './machines/machines.controller';
import { MachinesRepository } from './machines/machines.repository';
import { MachinesService } from './machines/machines.service';
import { QueryMetrics } from './metrics/query.metrics';
import { QUERY_CONFIG } from './query-api.tokens';
import { SeriesController } from './series/series.controller';
import { SeriesRepository } from './series/series.repository';
import { SeriesService } from './series/series.service';
import { ShardFanout } from './shards/shard-fanout.service';
import { SummaryController } from './summary/summary.controller';
import { SummaryRepository } from './summary/summary.repository';
import { SummaryService } from './summary/summary.service';
import { TopController } from './top/top.controller';
import { TopRepository } from './top/top.repository';
import { TopService } from './top/top.service';

@Module({})
export class QueryApiModule {
  /** `guard`: the API key guard of the HTTP server, for refusals a handler decides (explain without admin). */
  static forConfig(config: QueryConfig, observability: Observability, guard?: ApiKeyGuard): DynamicModule {
    return {
      module: QueryApiModule,
      imports: observabilityModules(observability),
      controllers: [MachinesController, SeriesController, TopController, SummaryController, HealthController, ...INSIGHTS_CONTROLLERS],
      providers: [
        { provide: QUERY_CONFIG, useValue: config },
        ...(guard ? [{ provide: API_KEY_GUARD, useValue: guard }] : []),
        { provide: APP_INTERCEPTOR, useClass: ExplainInterceptor },
        { provide: QueryMetrics, useFactory: (registry: Registry) => new QueryMetrics(registry), inject: [METRICS_REGISTRY] },
        ShardFanout,
        QueryCache,
        CachedAnswers,
        MachinesRepository,
        MachinesService,
        SeriesRepository,
        SeriesService,
        TopRepository,
        TopService,
        SummaryRepository,
        SummaryService,
        ...INSIGHTS_PROVIDERS,
      ],
    };
  }
}
