import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CACHE_HEADER } from '../common/api-docs';
import { RawQuery } from '../params/query-params';
import { CallerTenant, ReadTenant } from '../tenant/read-tenant';
import { MachineListAnswerDto, MachineListQueryDto, SnapshotAnswerDto, SnapshotQueryDto } from './machines.dto';
import { MachineListAnswer, MachinesService, SnapshotAnswer } from './machines.service';

@ApiTags('machines')
@Controller('v1/machines')
export class MachinesController {
  constructor(private readonly service: MachinesService) {}

  @Get()
  @ApiOperation({ summary: 'Machines and the totals of their latest snapshot, paged by machine_id' })
  @ApiOkResponse({ type: MachineListAnswerDto, headers: CACHE_HEADER })
  @ApiProblems(400, 503)
  async list(@Query() query: MachineListQueryDto, @CallerTenant() tenant: ReadTenant, @Res({ passthrough: true }) reply: FastifyReply): Promise<MachineListAnswer> {
    const { body, cache } = await this.service.list(query as RawQuery, tenant);
    void reply.header('x-cache', cache);
    return body;
  }

  @Get(':id/snapshot')
  @ApiOperation({ summary: 'The snapshot at or before `at` (the latest by default), with every process' })
  @ApiParam({ name: 'id', description: 'machine_id' })
  @ApiOkResponse({ type: SnapshotAnswerDto })
  @ApiProblems(400, 404, 503)
  snapshot(@Param('id') id: string, @Query() query: SnapshotQueryDto, @CallerTenant() tenant: ReadTenant): Promise<SnapshotAnswer> {
    return this.service.snapshot(id, query as RawQuery, tenant);
  }
}
