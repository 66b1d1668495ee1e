import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-docs';
import { RawQuery } from '../params/query-params';
import { TopQueryDto } from '../top/top.dto';
import { ProcessMachinesAnswer, ProcessMachinesService } from './process-machines.service';

import { CallerTenant, ReadTenant } from '../tenant/read-tenant';
@ApiTags('fleet')
@Controller('v1/processes')
export class ProcessMachinesController {
  constructor(private readonly service: ProcessMachinesService) {}

  @Get(':name/machines')
  @ApiOperation({ summary: 'The machines that run one process name most (top-N by sum, avg or max of a metric over [from, to)); `by` is ignored' })
  @ApiParam({ name: 'name', description: 'process name, URL-encoded' })
  @ApiProblems(400, 503)
  machines(@Param('name') name: string, @Query() query: TopQueryDto, @CallerTenant() tenant: ReadTenant): Promise<ProcessMachinesAnswer> {
    return this.service.machines(name, query as RawQuery, Date.now(), tenant);
  }
}
