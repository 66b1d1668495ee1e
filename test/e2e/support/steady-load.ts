import { ProcessSnapshot } from '@pa/contracts';
import { buildSnapshot, pollUntil } from '@pa/testing';
import { Pipeline } from './pipeline';

export interface SteadyLoadOptions {
  /** the machines snapshots are for, in turn */
  machineIds: string[];
  processes: number;
  /** builds snapshot number `k` (default: buildSnapshot, `processes` processes) */
  snapshot?: (machineId: string, tsMs: number, k: number) => ProcessSnapshot;
  /** snapshots per NDJSON request */
  perRequest: number;
  /** requests in flight at once (one worker each) */
  concurrency: number;
  /** pause of each worker after an accepted request, ms (0: as fast as the gateway answers) */
  pauseMs?: number;
  /** first snapshot instant; consecutive snapshots of a machine are `stepMs` apart */
  startMs?: number;
  stepMs?: number;
  /** longest wait between two attempts of a refused (503) request, ms; Retry-After is honoured up to it */
  maxRetryWaitMs?: number;
}

/** What a load saw, for assertions. */
export interface LoadReport {
  /** snapshots the gateway answered 202 for, key `machine|tsMs` → process rows */
  accepted: Map<string, number>;
  requests: number;
  /** answers by status (every attempt, retries included) */
  statuses: Record<number, number>;
  /** 503 answers that came without a Retry-After header */
  unavailableWithoutRetryAfter: number;
  /** anything but 202/503: transport errors, 4xx, 5xx other than 503 */
  failures: string[];
}

export function snapshotKey(machineId: string, tsMs: number): string {
  return `${machineId}|${tsMs}`;
}

/**
 * A collector-like load on the gateway that runs until stopped: `concurrency` workers POST NDJSON
 * bodies of new snapshots (every (machine, ts) unique), and a request answered 503 is sent again,
 * same bytes, after its Retry-After until it is accepted, as the real collector does. What was
 * accepted is recorded, so a test can check that exactly that landed.
 */
export class SteadyLoad {
  private next = 0;
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly report: LoadReport = { accepted: new Map(), requests: 0, statuses: {}, unavailableWithoutRetryAfter: 0, failures: [] };
  private readonly startMs: number;
  private readonly stepMs: number;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly options: SteadyLoadOptions,
  ) {
    this.stepMs = options.stepMs ?? 1_000;
    // Two hours back by default: inside the retention, and room for 7,200 snapshots per machine.
    this.startMs = options.startMs ?? Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000;
  }

  get acceptedCount(): number {
    return this.report.accepted.size;
  }

  start(): this {
    this.running = true;
    this.workers = Array.from({ length: this.options.concurrency }, () => this.work());
    return this;
  }

  /** Waits until at least `count` more snapshots than now have been accepted. */
  async waitForMore(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.acceptedCount + count;
    await pollUntil(async () => this.acceptedCount, (n) => n >= target || this.report.failures.length > 0, {
      timeoutMs,
      intervalMs: 50,
      what: `${target} snapshots accepted`,
    });
  }

  /** Stops taking new snapshots; requests in flight finish (refused ones are retried until accepted). */
  async stop(): Promise<LoadReport> {
    this.running = false;
    await Promise.all(this.workers);
    return this.report;
  }

  private async work(): Promise<void> {
    while (this.running && this.report.failures.length === 0) {
      const snapshots = this.take(this.options.perRequest);
      const body = snapshots.map((s) => JSON.stringify(s)).join('\n');
      if (await this.deliver(body)) {
        for (const s of snapshots) this.report.accepted.set(snapshotKey(s.machine_id, Date.parse(s.ts)), s.processes.length);
      }
      if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private take(n: number): ProcessSnapshot[] {
    const { machineIds, processes, snapshot = (machine, tsMs) => buildSnapshot(machine, processes, tsMs) } = this.options;
    return Array.from({ length: n }, () => {
      const k = this.next++;
      return snapshot(machineIds[k % machineIds.length], this.startMs + Math.floor(k / machineIds.length) * this.stepMs, k);
    });
  }

  /** POSTs until 202; false on anything that is neither 202 nor 503 (recorded as a failure). */
  private async deliver(body: string): Promise<boolean> {
    for (;;) {
      let response: Response;
      try {
        this.report.requests++;
        response = await this.pipeline.post(body, { 'content-type': 'application/x-ndjson' });
        await response.arrayBuffer();
      } catch (error) {
        this.report.failures.push(`POST failed: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`);
        return false;
      }
      this.report.statuses[response.status] = (this.report.statuses[response.status] ?? 0) + 1;
      if (response.status === 202) return true;
      if (response.status !== 503) {
        this.report.failures.push(`answered ${response.status}`);
        return false;
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      if (!(retryAfter > 0)) this.report.unavailableWithoutRetryAfter++;
      const waitMs = Math.min(retryAfter > 0 ? retryAfter * 1000 : 500, this.options.maxRetryWaitMs ?? 1_000);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
