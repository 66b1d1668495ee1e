import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CACHE_HEADER } from '../common/api-docs';
import { RawQuery } from '../params/query-params';
import { MachineSeriesAnswerDto, ProcessSeriesAnswerDto, ProcessSeriesQueryDto, SeriesQueryDto } from './series.dto';
import { MachineSeriesAnswer, ProcessSeriesAnswer, SeriesService } from './series.service';

import { CallerTenant, ReadTenant } from '../tenant/read-tenant';
@Controller('v1')
export class SeriesController {
  constructor(private readonly service: SeriesService) {}

  @Get('machines/:id/series')
  @ApiTags('machines')
  @ApiOperation({ summary: "A machine's series: per step bucket, sum, count and max of the metric over its process samples, and its snapshots" })
  @ApiParam({ name: 'id', description: 'machine_id' })
  @ApiOkResponse({ type: MachineSeriesAnswerDto })
  @ApiProblems(400, 404, 503)
  machineSeries(@Param('id') id: string, @Query() query: SeriesQueryDto, @CallerTenant() tenant: ReadTenant): Promise<MachineSeriesAnswer> {
    return this.service.machineSeries(id, query as RawQuery, Date.now(), tenant);
  }

  @Get('processes/:name/series')
  @ApiTags('processes')
  @ApiOperation({ summary: 'Series of one process name across the fleet (or on one machine)' })
  @ApiParam({ name: 'name', description: 'process name (executable), URL-encoded' })
  @ApiOkResponse({ type: ProcessSeriesAnswerDto, headers: CACHE_HEADER })
  @ApiProblems(400, 404, 503)
  async processSeries(
    @Param('name') name: string,
    @Query() query: ProcessSeriesQueryDto,
    @CallerTenant() tenant: ReadTenant,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProcessSeriesAnswer> {
    const { body, cache } = await this.service.processSeries(name, query as RawQuery, Date.now(), tenant);
    void reply.header('x-cache', cache);
    return body;
  }
}
