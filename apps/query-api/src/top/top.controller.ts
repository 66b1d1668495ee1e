import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CACHE_HEADER } from '../common/api-docs';
import { RawQuery } from '../params/query-params';
import { CallerTenant, ReadTenant } from '../tenant/read-tenant';
import { TopAnswerDto, TopQueryDto } from './top.dto';
import { TopAnswer, TopService } from './top.service';

@ApiTags('fleet')
@Controller('v1/top')
export class TopController {
  constructor(private readonly service: TopService) {}

  @Get()
  @ApiOperation({ summary: 'Fleet-wide top-N of a metric by process name or by machine, over [from, to)' })
  @ApiOkResponse({ type: TopAnswerDto, headers: CACHE_HEADER })
  @ApiProblems(400, 503)
  async top(@Query() query: TopQueryDto, @CallerTenant() tenant: ReadTenant, @Res({ passthrough: true }) reply: FastifyReply): Promise<TopAnswer> {
    const { body, cache } = await this.service.top(query as RawQuery, Date.now(), tenant);
    void reply.header('x-cache', cache);
    return body;
  }
}
