import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import { QueryMetrics } from '../metrics/query.metrics';
import { QUERY_CONFIG } from '../query-api.tokens';
import { ShardFanout } from '../shards/shard-fanout.service';
import { currentExplain } from '../explain/explain-context';
import { cacheKey } from './cache-key';
import { QueryCache } from './query-cache.service';
import { ShardWatermark, WATERMARK_SQL } from './watermark.sql';

/** How an answer was obtained; sent as the `x-cache` response header. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/** Fleet-wide answers say whether shards were missing; partial answers are never cached. */
export interface FleetAnswer {
  partial: boolean;
  missing_shards: number[];
}

export interface Answered<T> {
  body: T;
  cache: CacheOutcome;
}

/**
 * Fleet-wide answers through the cache. The key holds every shard's data watermark, read before
 * the answer is computed, so the answer holds at least the data of that watermark; any later
 * writer commit changes the watermark and so the key (see watermark.sql.ts for why that holds,
 * and why nothing is stored while a writer is between its outbox insert and COMMIT). Without
 * Redis, while a shard is missing, or for a request with explain=…, it computes (`bypass`).
 */
@Injectable()
export class CachedAnswers {
  private readonly prefix: string;

  constructor(
    @Inject(QUERY_CONFIG) config: QueryConfig,
    private readonly cache: QueryCache,
    private readonly shards: ShardFanout,
    private readonly metrics: QueryMetrics,
  ) {
    this.prefix = config.cache?.keyPrefix ?? '';
  }

  async answer<T extends FleetAnswer>(
    endpoint: string,
    params: Record<string, unknown>,
    allowPartial: boolean,
    compute: () => Promise<T>,
  ): Promise<Answered<T>> {
    const answered = await this.lookUp(endpoint, params, allowPartial, compute);
    this.metrics.cacheAnswers.inc({ endpoint, result: answered.cache });
    return answered;
  }

  private async lookUp<T extends FleetAnswer>(
    endpoint: string,
    params: Record<string, unknown>,
    allowPartial: boolean,
    compute: () => Promise<T>,
  ): Promise<Answered<T>> {
    // explain=…: plans of this request's statements, never an answer stored or served from Redis.
    if (!this.cache.isAvailable || currentExplain()) return { body: await compute(), cache: 'bypass' };
    const marks = await this.shards.scatter(this.shards.allShards, allowPartial, (shard) => this.watermark(shard));
    if (marks.missing.length > 0) return { body: await compute(), cache: 'bypass' };
    const watermarks = marks.values.map((mark) => mark.watermark);
    const key = cacheKey(this.prefix, { endpoint, params, mapVersion: this.shards.mapVersion, shards: this.shards.identity, watermarks });
    const cached = await this.cache.get(key);
    if (cached !== undefined) return { body: JSON.parse(cached) as T, cache: 'hit' };
    const body = await compute();
    // Not awaited: the caller need not wait for Redis (set never throws).
    if (!body.partial && !marks.values.some((mark) => mark.isBusy)) void this.cache.set(key, JSON.stringify(body));
    return { body, cache: 'miss' };
  }

  private async watermark(shard: number): Promise<ShardWatermark> {
    const [mark] = await this.shards.query<{ watermark: string; is_busy: boolean }>(shard, WATERMARK_SQL);
    return { watermark: mark.watermark, isBusy: mark.is_busy };
  }
}
