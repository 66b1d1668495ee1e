import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { QueryCache } from '../cache/query-cache.service';
import { ShardFanout } from '../shards/shard-fanout.service';

interface Readiness {
  status: string;
  shards: { shard: number; up: boolean }[];
  cache: 'up' | 'down' | 'off';
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly shards: ShardFanout,
    private readonly cache: QueryCache,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Alive: the process answers' })
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /**
   * Ready while at least one shard answers: with some shards down the API still serves machines
   * on the others and partial fleet answers (allow_partial=true), so it stays in rotation.
   */
  @Get('readyz')
  @ApiOperation({ summary: 'Ready: at least one shard answers (each shard and the cache listed)' })
  async readyz(): Promise<Readiness> {
    const up = await Promise.all(this.shards.allShards.map((shard) => this.shards.isReachable(shard)));
    const readiness: Readiness = {
      status: 'ready',
      shards: up.map((isUp, shard) => ({ shard, up: isUp })),
      cache: this.cache.isConfigured ? (this.cache.isAvailable ? 'up' : 'down') : 'off',
    };
    if (!up.some(Boolean)) {
      throw queryProblem(QueryErrorCode.SHARD_UNAVAILABLE, 'no shard answers', { headers: { 'retry-after': '5' } });
    }
    return readiness;
  }
}
