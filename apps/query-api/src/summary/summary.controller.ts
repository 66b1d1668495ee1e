import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CACHE_HEADER } from '../common/api-docs';
import { RawQuery } from '../params/query-params';
import { CallerTenant, ReadTenant } from '../tenant/read-tenant';
import { DailyAnswerDto, DailyQueryDto } from './summary.dto';
import { DailyAnswer, SummaryService } from './summary.service';

@ApiTags('fleet')
@Controller('v1/summary')
export class SummaryController {
  constructor(private readonly service: SummaryService) {}

  @Get('daily')
  @ApiOperation({ summary: 'Per machine over one UTC day: samples, distinct processes, average and peak cpu and mem' })
  @ApiOkResponse({ type: DailyAnswerDto, headers: CACHE_HEADER })
  @ApiProblems(400, 404, 503)
  async daily(@Query() query: DailyQueryDto, @CallerTenant() tenant: ReadTenant, @Res({ passthrough: true }) reply: FastifyReply): Promise<DailyAnswer> {
    const { body, cache } = await this.service.daily(query as RawQuery, Date.now(), tenant);
    void reply.header('x-cache', cache);
    return body;
  }
}
