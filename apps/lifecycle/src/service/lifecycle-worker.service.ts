import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { LifecycleConfig } from '@pa/config';
import { ShardTopology, openServiceTopology } from '@pa/catalog';
import { METRICS_REGISTRY } from '@pa/telemetry';
import { LIFECYCLE_CONFIG } from '../lifecycle.tokens';
import { dayStatuses } from '../status/day-status';
import { loadOrCreateArchiveKey } from '../retention/archive-crypto';
import { dayArchive } from '../retention/archive-store';
import { LifecycleMetrics, ShardDays } from './lifecycle.metrics';
import { runShard } from './lifecycle-runner';

export interface ShardProgress {
  shard: number;
  runs: number;
  daysSealed: number;
  /** days archived, verified and dropped */
  daysArchived: number;
  /** the last retention failure (a day not dropped, and why) */
  lastRetentionProblem?: string;
  lastRunAt?: string;
  /** why the last run did nothing: another instance held the node */
  lastSkipped?: string;
  lastError?: string;
}

/**
 * Every LIFECYCLE_INTERVAL_MS, every due step once on every shard (runShard), one shard after the
 * other: sealing is I/O and CPU heavy, and one at a time leaves the nodes' cores to the writers.
 */
@Injectable()
export class LifecycleWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LifecycleWorker.name);
  private topology!: ShardTopology;
  private archiveKey!: Buffer;
  private loop?: Promise<void>;
  private wake?: () => void;
  isRunning = false;
  readonly progress: ShardProgress[] = [];
  private readonly metrics: LifecycleMetrics;

  constructor(@Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig, @Inject(METRICS_REGISTRY) registry: Registry) {
    this.metrics = new LifecycleMetrics(registry, () => this.shardDays());
  }

  async onApplicationBootstrap(): Promise<void> {
    // Made on first start (owner-only); a key file that is there but unreadable stops the boot.
    this.archiveKey = loadOrCreateArchiveKey(this.config.retention.archiveKeyFile);
    this.topology = await openServiceTopology(this.config.shards, { applicationName: 'pa-lifecycle', logger: this.logger });
    this.isRunning = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.isRunning = false;
    this.wake?.();
    await this.loop;
    await this.topology?.close();
  }

  private async run(): Promise<void> {
    while (this.isRunning) {
      for (let shard = 0; shard < this.topology.pools.count && this.isRunning; shard++) await this.runOne(shard);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.config.intervalMs).unref();
      });
    }
  }

  private async runOne(shard: number): Promise<void> {
    const progress = (this.progress[shard] ??= { shard, runs: 0, daysSealed: 0, daysArchived: 0 });
    try {
      const run = await runShard(shard, this.topology.pools.pool(shard), this.config, this.archiveKey, (line) => this.logger.log(line));
      progress.runs++;
      progress.lastSkipped = run.skipped;
      progress.lastError = undefined;
      progress.lastRunAt = new Date().toISOString();
      for (const r of run.sealed) {
        this.metrics.daysSealed.inc({ shard: String(shard), outcome: r.status });
        if (r.status === 'done') progress.daysSealed++;
      }
      for (const r of run.retention?.days ?? []) {
        if (r.outcome === 'dropped' || r.outcome === 'failed') this.metrics.daysArchived.inc({ shard: String(shard), outcome: r.outcome });
        if (r.outcome === 'dropped') progress.daysArchived++;
        if (r.outcome === 'failed') progress.lastRetentionProblem = `${r.day}: ${r.detail}`;
      }
      this.metrics.lastRun.set({ shard: String(shard) }, Date.now() / 1000);
    } catch (error) {
      progress.lastError = (error as Error).message;
      this.metrics.errors.inc({ shard: String(shard) });
      this.logger.warn(`shard ${shard}: lifecycle run failed, next try in ${this.config.intervalMs} ms: ${(error as Error).message}`);
    }
  }

  private async shardDays(): Promise<ShardDays[]> {
    const out: ShardDays[] = [];
    for (let shard = 0; shard < this.topology.pools.count; shard++) {
      const client = await this.topology.pools.pool(shard).connect();
      try {
        out.push({ shard, days: await dayStatuses(client, this.config, (day) => dayArchive(this.config.retention.archiveDir, shard, day, this.archiveKey, this.config.retention.archiveRowGroupRows)) });
      } finally {
        client.release();
      }
    }
    return out;
  }
}
