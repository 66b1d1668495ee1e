import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { LeaksAnswerBody, MissingAnswerBody } from '@pa/contracts';
import { ApiProblems } from '../common/api-docs';
import { RawQuery } from '../params/query-params';
import { CallerTenant, ReadTenant } from '../tenant/read-tenant';
import { InsightsService } from './insights.service';

const SCOPE = [
  { name: 'prefix', required: false, description: 'only machines whose id starts with this' },
  { name: 'machine_id', required: false, description: 'only this machine (asks one shard)' },
  { name: 'limit', required: false, type: Number, description: 'most items (default 100, at most 500)' },
  { name: 'allow_partial', required: false, type: Boolean, description: 'answer without shards that are down (the answer lists them)' },
];

function ApiQueries(list: { name: string; required: boolean; description: string; type?: unknown }[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const q of list) ApiQuery(q as Parameters<typeof ApiQuery>[0])(target, key, descriptor);
  };
}

@ApiTags('insights')
@Controller('v1/insights')
export class InsightsController {
  constructor(private readonly service: InsightsService) {}

  @Get('leaks')
  @ApiOperation({
    summary: 'Memory leak suspects over [from, to) (at most 7 days)',
    description:
      'Per machine and process name: the mean RSS per bucket (at most 60 buckets, whole hours from 12 h), a least-squares line through them, ' +
      'and the largest fall below the running peak. A suspect runs in min_coverage of the buckets, grows at least min_growth_bytes_per_hour, ' +
      'with R² ≥ min_r2, and never falls by more than max_drawdown_ratio of its growth (a garbage-collected sawtooth or a restart does). Statistical: a screen, not a proof.',
  })
  @ApiQueries([
    { name: 'from', required: false, description: 'RFC 3339; default: to minus 1 hour' },
    { name: 'to', required: false, description: 'RFC 3339; default: now' },
    { name: 'min_r2', required: false, description: 'default 0.8' },
    { name: 'min_growth_bytes_per_hour', required: false, description: 'default 1048576 (1 MiB/h)' },
    { name: 'max_drawdown_ratio', required: false, description: 'default 0.25' },
    { name: 'min_coverage', required: false, description: 'default 0.8' },
    ...SCOPE,
  ])
  @ApiProblems(400, 503)
  leaks(@Query() query: RawQuery, @CallerTenant() tenant: ReadTenant): Promise<LeaksAnswerBody> {
    return this.service.leaks(query, Date.now(), tenant);
  }

  @Get('missing')
  @ApiOperation({
    summary: 'Processes absent for the last `recent` minutes that ran most of the `baseline` before, on machines that still report',
    description:
      'A name is missing when it ran in at least min_presence of the baseline buckets in which its machine reported, has no sample in [at - recent, at), ' +
      'and the machine sent snapshots in at least min_recent_coverage of those minutes. Machines with baseline snapshots and none recently are listed as silent_machines instead. Exact counts from rollups and raw rows.',
  })
  @ApiQueries([
    { name: 'at', required: false, description: 'RFC 3339 end of the recent window; default: now' },
    { name: 'recent', required: false, description: 'whole minutes, default 10m (at most 1d)' },
    { name: 'baseline', required: false, description: 'whole minutes, default 1h (at most 7d), before the recent window' },
    { name: 'min_presence', required: false, description: 'default 0.8' },
    { name: 'min_recent_coverage', required: false, description: 'default 0.5' },
    ...SCOPE,
  ])
  @ApiProblems(400, 503)
  missing(@Query() query: RawQuery, @CallerTenant() tenant: ReadTenant): Promise<MissingAnswerBody> {
    return this.service.missing(query, Date.now(), tenant);
  }
}
