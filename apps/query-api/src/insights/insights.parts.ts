import { InsightGauges } from './insight-gauges.service';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { InsightsService } from './insights.service';

/** What the insights add to the query API's module (they use its ShardFanout and registry). */
export const INSIGHTS_CONTROLLERS = [InsightsController];
export const INSIGHTS_PROVIDERS = [InsightsRepository, InsightsService, InsightGauges];
