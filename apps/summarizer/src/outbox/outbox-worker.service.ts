import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { SummarizerConfig } from '@pa/config';
import { ShardTopology, openServiceTopology } from '@pa/catalog';
import { METRICS_REGISTRY, tracerFor, withSpan } from '@pa/telemetry';
import { OutboxState, SummarizerMetrics } from './summarizer.metrics';
import { RecomputeResult, hasSettledWork, recomputeClaim } from '../rollups/rollup.repository';
import { hasFleetWork, rebuildFleet } from '../rollups/fleet-rollup.repository';
import { SUMMARIZER_CONFIG } from '../summarizer.tokens';

export interface ShardProgress {
  shard: number;
  claims: number;
  outboxRowsDone: number;
  minutesRecomputed: number;
  /** fleet rollup buckets rebuilt (migration 017) */
  fleetBucketsRebuilt: number;
  lastError?: string;
  /** age of the oldest outbox row of the last claim, ms: how far behind the rollups were */
  lastLagMs: number;
}

/**
 * One loop per shard: claim outbox rows and recompute while there are any, then poll. Any number
 * of summarizers may run; SKIP LOCKED and per-machine locks keep them from colliding.
 */
const tracer = tracerFor('summarizer');

@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxWorker.name);
  private topology!: ShardTopology;
  private readonly loops: Promise<void>[] = [];
  private running = false;
  readonly progress: ShardProgress[] = [];
  private readonly metrics: SummarizerMetrics;

  constructor(@Inject(SUMMARIZER_CONFIG) private readonly config: SummarizerConfig, @Inject(METRICS_REGISTRY) registry: Registry) {
    this.metrics = new SummarizerMetrics(registry, () => this.outboxState());
  }

  /** Every node of the catalog gets a loop, a node added at runtime too (its rollups are its own). */
  async onApplicationBootstrap(): Promise<void> {
    // pa_cache_watermark (migration 008) tells the summarizer's locks apart by this name.
    this.topology = await openServiceTopology(this.config.shards, { applicationName: 'pa-summarizer', logger: this.logger });
    this.running = true;
    this.startLoops();
    this.topology.onChange(() => this.startLoops());
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.topology?.close();
  }

  private startLoops(): void {
    for (let shard = this.loops.length; shard < this.topology.pools.count; shard++) {
      this.progress.push({ shard, claims: 0, outboxRowsDone: 0, minutesRecomputed: 0, fleetBucketsRebuilt: 0, lastLagMs: 0 });
      this.loops.push(this.loop(shard));
    }
  }

  private async loop(shard: number): Promise<void> {
    let backoffMs = this.config.pollIntervalMs;
    while (this.running) {
      try {
        const result = await this.claimOnce(shard);
        this.record(shard, result);
        const rebuilt = await this.rebuildFleetOnce(shard, result.claimed === 0);
        backoffMs = this.config.pollIntervalMs;
        if (result.claimed > 0 || rebuilt > 0) continue;
      } catch (error) {
        this.progress[shard].lastError = (error as Error).message;
        backoffMs = Math.min(backoffMs * 2, 30_000);
        this.logger.warn(`shard ${shard}: recompute failed, retrying in ${backoffMs} ms: ${(error as Error).message}`);
      }
      await this.pause(backoffMs);
    }
  }

  /** Cheap look first, so that idle polls make no spans and no transactions. */
  private async claimOnce(shard: number): Promise<RecomputeResult> {
    const pool = this.topology.pools.pool(shard);
    if (!(await hasSettledWork(pool, this.config.settleMs))) return { claimed: 0, minutes: 0, hours: 0, days: 0, oldestAgeMs: 0 };
    const stopTimer = this.metrics.recomputeSeconds.startTimer({ shard: String(shard) });
    const result = await withSpan(tracer, 'rollup.recompute', { shard }, async (span) => {
      const r = await recomputeClaim(pool, this.config.claimLimit, this.config.settleMs);
      span.setAttributes({ 'outbox.claimed': r.claimed, 'buckets.minutes': r.minutes, 'buckets.hours': r.hours, 'buckets.days': r.days });
      return r;
    });
    stopTimer();
    return result;
  }

  /**
   * Fleet buckets are rebuilt when the shard has no settled per-machine work (a back-fill's
   * claims then rebuild each fleet minute once, not once per claim), or when one has waited
   * SUMMARIZER_FLEET_MAX_DELAY_MS under steady load. Returns the buckets rebuilt.
   */
  private async rebuildFleetOnce(shard: number, isIdle: boolean): Promise<number> {
    const pool = this.topology.pools.pool(shard);
    if (!(await hasFleetWork(pool, isIdle ? 0 : this.config.fleetMaxDelayMs))) return 0;
    const { buckets } = await withSpan(tracer, 'rollup.fleet_rebuild', { shard }, async (span) => {
      const r = await rebuildFleet(pool, this.config.fleetClaimLimit);
      span.setAttribute('buckets.fleet', r.buckets);
      return r;
    });
    this.metrics.fleetBucketsRebuilt.inc({ shard: String(shard) }, buckets);
    this.progress[shard].fleetBucketsRebuilt += buckets;
    return buckets;
  }

  /** Depth and age of the oldest row of every reachable shard's outbox. */
  async outboxState(): Promise<OutboxState[]> {
    const states = await Promise.allSettled(
      this.progress.map(async ({ shard }) => {
        const { rows } = await this.topology.pools
          .pool(shard)
          .query<{ depth: string; age: number | null }>(
            'SELECT count(*) AS depth, extract(epoch FROM now() - min(created_at))::float8 AS age FROM rollup_outbox',
          );
        return { shard, depth: Number(rows[0].depth), oldestAgeSeconds: rows[0].age ?? 0 };
      }),
    );
    return states.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  private record(shard: number, result: RecomputeResult): void {
    if (result.claimed === 0) return;
    this.metrics.outboxRowsDone.inc({ shard: String(shard) }, result.claimed);
    this.metrics.minutesRecomputed.inc({ shard: String(shard) }, result.minutes);
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
