import { ProcessMachinesController } from '../process-machines/process-machines.controller';
import { ProcessMachinesService } from '../process-machines/process-machines.service';
import { InsightGauges } from './insight-gauges.service';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { InsightsService } from './insights.service';

/**
 * What issue 13 adds to the query API's module (using its ShardFanout and registry): the insights
 * and the per-process machine ranking the dashboard's process view needs.
 */
export const INSIGHTS_CONTROLLERS = [InsightsController, ProcessMachinesController];
export const INSIGHTS_PROVIDERS = [InsightsRepository, InsightsService, InsightGauges, ProcessMachinesService];
