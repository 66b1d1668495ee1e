import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { METRICS_REGISTRY } from '@pa/telemetry';
import { Counter, Gauge, Registry } from 'prom-client';
import { INSIGHT_GAUGE_INTERVAL_MS } from './insights.constants';
import { InsightsService } from './insights.service';

/**
 * The insights as Prometheus gauges, for alerts. They are recomputed on a schedule (every
 * INSIGHT_GAUGE_INTERVAL_MS, over the default windows up to then, shards that are down left out),
 * never per scrape: a scrape reads the last result, so its cost does not grow with the fleet.
 */

/** The gauges are the operator's (the metrics scope): over the whole fleet. */
const FLEET: readonly string[] = [];
@Injectable()
export class InsightGauges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InsightGauges.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly leakCount: Gauge;
  private readonly leakGrowth: Gauge<'machine_id' | 'name'>;
  private readonly missingCount: Gauge;
  private readonly missingProcess: Gauge<'machine_id' | 'name'>;
  private readonly silentCount: Gauge;
  private readonly silentMachine: Gauge<'machine_id'>;
  private readonly lastRun: Gauge;
  private readonly failures: Counter;

  constructor(
    private readonly insights: InsightsService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const registers = [registry];
    this.leakCount = new Gauge({ name: 'pa_insights_leak_suspects', help: 'Memory leak suspects over the last hour', registers });
    this.leakGrowth = new Gauge({
      name: 'pa_insights_leak_growth_bytes_per_hour',
      help: 'RSS growth of each leak suspect over the last hour (machine, process name)',
      labelNames: ['machine_id', 'name'],
      registers,
    });
    this.missingCount = new Gauge({ name: 'pa_insights_missing_processes', help: 'Processes absent for the last 10 minutes that ran most of the hour before', registers });
    this.missingProcess = new Gauge({
      name: 'pa_insights_missing_process',
      help: '1 per missing process (machine, process name)',
      labelNames: ['machine_id', 'name'],
      registers,
    });
    this.silentCount = new Gauge({ name: 'pa_insights_silent_machines', help: 'Machines that reported in the baseline and not in the last 10 minutes', registers });
    this.silentMachine = new Gauge({ name: 'pa_insights_silent_machine_last_seen_seconds', help: 'Last snapshot (epoch s) of each silent machine', labelNames: ['machine_id'], registers });
    this.lastRun = new Gauge({ name: 'pa_insights_last_run_timestamp_seconds', help: 'When the insight gauges were last computed (epoch s)', registers });
    this.failures = new Counter({ name: 'pa_insights_run_failures_total', help: 'Insight gauge runs that failed', registers });
  }

  onApplicationBootstrap(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), INSIGHT_GAUGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One run; a run still going when the next is due makes that one skip. */
  async refresh(nowMs = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const [leaks, missing] = await Promise.all([
        this.insights.leaks({ allow_partial: 'true' }, nowMs, FLEET),
        this.insights.missing({ allow_partial: 'true' }, nowMs, FLEET),
      ]);
      this.leakGrowth.reset();
      for (const s of leaks.suspects) this.leakGrowth.set({ machine_id: s.machine_id, name: s.name }, s.growth_bytes_per_hour);
      this.leakCount.set(leaks.suspects.length);
      this.missingProcess.reset();
      for (const m of missing.missing) this.missingProcess.set({ machine_id: m.machine_id, name: m.name }, 1);
      this.missingCount.set(missing.missing.length);
      this.silentMachine.reset();
      for (const m of missing.silent_machines) this.silentMachine.set({ machine_id: m.machine_id }, Date.parse(m.last_seen) / 1000);
      this.silentCount.set(missing.silent_machines.length);
      this.lastRun.set(nowMs / 1000);
    } catch (error) {
      this.failures.inc();
      this.logger.warn(`insight gauges not refreshed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
