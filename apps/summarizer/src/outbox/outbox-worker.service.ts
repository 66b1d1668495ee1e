import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SummarizerConfig } from '@pa/config';
import { ShardPools } from '@pa/pg-shards';
import { RecomputeResult, recomputeClaim } from '../rollups/rollup.repository';
import { SUMMARIZER_CONFIG } from '../summarizer.tokens';

export interface ShardProgress {
  shard: number;
  claims: number;
  outboxRowsDone: number;
  minutesRecomputed: number;
  lastError?: string;
  /** age of the oldest outbox row of the last claim, ms: how far behind the rollups were */
  lastLagMs: number;
}

/**
 * One loop per shard: claim outbox rows and recompute while there are any, then poll. Any number
 * of summarizers may run; SKIP LOCKED and per-machine locks keep them from colliding.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxWorker.name);
  private readonly pools: ShardPools;
  private readonly loops: Promise<void>[] = [];
  private running = false;
  readonly progress: ShardProgress[];

  constructor(@Inject(SUMMARIZER_CONFIG) private readonly config: SummarizerConfig) {
    this.pools = new ShardPools({
      ...config.shards,
      applicationName: 'pa-summarizer',
      onError: (shard, error) => this.logger.warn(`shard ${shard} connection lost: ${error.message}`),
    });
    this.progress = config.shards.urls.map((_, shard) => ({ shard, claims: 0, outboxRowsDone: 0, minutesRecomputed: 0, lastLagMs: 0 }));
  }

  onApplicationBootstrap(): void {
    this.running = true;
    for (let shard = 0; shard < this.pools.count; shard++) this.loops.push(this.loop(shard));
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.pools.end();
  }

  private async loop(shard: number): Promise<void> {
    let backoffMs = this.config.pollIntervalMs;
    while (this.running) {
      try {
        const result = await recomputeClaim(this.pools.pool(shard), this.config.claimLimit);
        this.record(shard, result);
        backoffMs = this.config.pollIntervalMs;
        if (result.claimed > 0) continue;
      } catch (error) {
        this.progress[shard].lastError = (error as Error).message;
        backoffMs = Math.min(backoffMs * 2, 30_000);
        this.logger.warn(`shard ${shard}: recompute failed, retrying in ${backoffMs} ms: ${(error as Error).message}`);
      }
      await this.pause(backoffMs);
    }
  }

  private record(shard: number, result: RecomputeResult): void {
    if (result.claimed === 0) return;
    const p = this.progress[shard];
    p.claims++;
    p.outboxRowsDone += result.claimed;
    p.minutesRecomputed += result.minutes;
    p.lastLagMs = result.oldestAgeMs;
    p.lastError = undefined;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
    });
  }
}
