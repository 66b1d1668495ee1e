import { Pool } from 'pg';
import { deadLetterTopicOf } from '@pa/contracts';
import { metricSum, postgresCpuSeconds, processCpuSeconds } from '../measure/load-profile';
import { steadyLoad } from '../measure/steady-load';
import { AppProcess, freePort, pollUntil } from '../support/app-process';
import { benchAuthHeaders } from '../support/bench-key';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { maximumInPlace } from './freshness';
import { startGateway } from './gateway-vs-broker';
import { startPipelineApp } from './pipeline-apps';
import { sealDay, simulateDay, simulatedDayFleet, sumOver } from './storage';

const DATABASE = 'bench_sealing';
const DAY_MS = 86_400_000;
const MACHINES = 200;
/** The lifecycle must not halve ingest (issue 10): the writer's rate while sealing over its rate alone. */
const INGEST_RATIO_LIMIT = 0.5;

/** What the writer stored over one window of steady load, and what PostgreSQL spent meanwhile. */
interface IngestWindow {
  seconds: number;
  storedPerSecond: number;
  postgresCpuSeconds: number;
}

/**
 * Item 13: sealing a day (item 10's simulated fleet, three days back) while gateway, writer and
 * summarizer take a steady load at half the pipeline's maximum measured in place (as item 5): rows/s
 * sealed, the CPU-seconds per million rows sealed (the lifecycle process, plus PostgreSQL's CPU over
 * what the same span of ingest alone costs it), and the writer's stored snapshots/s during the seal
 * against the same load without one, right after.
 */
export async function runSealingUnderIngest(ctx: BenchContext, done: Map<number, ItemResult>): Promise<ItemResult> {
  const fleet = simulatedDayFleet(ctx);
  const rows = fleet.machines * fleet.processes * fleet.ticks;
  const dayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const urls = await ctx.databases.create(DATABASE);
  const topic = `proc.snapshots.bench.sealing.${ctx.runId}`;
  const groupId = `proc-writer-bench-sealing-${ctx.runId}`;
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  const gateway = await startGateway(ctx, topic, 'gateway-sealing');
  const apps: AppProcess[] = [gateway.process];
  try {
    const writerPort = await freePort();
    apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic), WRITER_GROUP_ID: groupId, WRITER_PORT: String(writerPort) }, 'writer-sealing'));
    apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-sealing'));
    ctx.progress.step(`item 13 · ${formatNumber(rows)} rows of the simulated fleet into ${day}`);
    await simulateDay(ctx, topic, dayMs, fleet, 'bench-sl-');
    const partition = `process_samples_${day.replace(/-/g, '')}`;
    await pollUntil(() => sumOver(pools, `SELECT count(*) AS n FROM ONLY ${partition}`), (n) => n >= rows, 600_000, 'the writer to store every row');
    const max = await maximumInPlace(ctx, gateway.url, { topic, groupId }, pools, done);
    const load = { rate: max.snapshotsPerSecond / 2, machines: MACHINES, processes: ctx.options.fleet.processes, prefix: 'bench-sl-live-' };
    const stored = async () => metricSum(await fetch(`http://127.0.0.1:${writerPort}/metrics`, { headers: benchAuthHeaders() }).then((r) => r.text()), 'pa_writer_snapshots_stored_total');
    ctx.progress.step(`item 13 · sealing ${day} under ${formatNumber(load.rate, 1)} snapshots/s (half of ${max.source})`);
    const lifecycleCpuBefore = childrenCpuSeconds();
    const sealing = await measureWindow(ctx, gateway.url, stored, async (signal) => {
      const seal = await sealDay(urls, day);
      signal.abort();
      return seal;
    }, load);
    const lifecycleCpu = childrenCpuSeconds() - lifecycleCpuBefore;
    ctx.progress.step(`item 13 · the same load for ${formatNumber(sealing.window.seconds, 1)} s without sealing`);
    const alone = await measureWindow(ctx, gateway.url, stored, (signal) => new Promise((resolve) => setTimeout(() => (signal.abort(), resolve(undefined)), sealing.window.seconds * 1000)), load);
    const sealCpu = lifecycleCpu + Math.max(0, sealing.window.postgresCpuSeconds - alone.window.postgresCpuSeconds);
    const ingestRatio = sealing.window.storedPerSecond / alone.window.storedPerSecond;
    return {
      rows: [
        { item: '13', what: `sealing a day of ${formatNumber(rows)} rows while the pipeline takes ${formatNumber(load.rate, 1)} snapshots/s (half its maximum), rows/s`, figure: formatNumber(rows / sealing.result.seconds), baseline: `${formatNumber(sealing.result.seconds, 1)} s`, ratio: NaN },
        { item: '13', what: 'CPU-seconds per million rows sealed (the lifecycle process, plus PostgreSQL over the same span of ingest alone)', figure: formatNumber((sealCpu / rows) * 1e6, 1), baseline: `lifecycle ${formatNumber(lifecycleCpu, 1)} s, PostgreSQL ${formatNumber(sealing.window.postgresCpuSeconds, 1)} s vs ${formatNumber(alone.window.postgresCpuSeconds, 1)} s alone`, ratio: NaN },
        { item: '13', what: "the writer's stored snapshots/s while the day is sealed vs the same load without", figure: `${formatNumber(sealing.window.storedPerSecond, 1)}/s`, baseline: `${formatNumber(alone.window.storedPerSecond, 1)}/s alone`, ratio: ingestRatio, target: `≥ ${INGEST_RATIO_LIMIT}`, isMet: ingestRatio >= INGEST_RATIO_LIMIT },
      ],
      samples: [],
      summary: { day, rows, rate: load.rate, max, sealing: sealing.window, alone: alone.window, sealSeconds: sealing.result.seconds, lifecycleCpu, output: sealing.result.stdout.trim() },
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await ctx.databases.drop(DATABASE);
  }
}

/**
 * The steady load for as long as `during` runs (it aborts the signal when done): what the writer had
 * stored by the window's end (a writer falling behind shows here), what PostgreSQL spent; then waits
 * until the writer has stored the window's snapshots, so that the next window starts without a backlog.
 */
async function measureWindow<T>(
  ctx: BenchContext,
  gatewayUrl: string,
  stored: () => Promise<number>,
  during: (signal: AbortController) => Promise<T>,
  load: { rate: number; machines: number; processes: number; prefix: string },
): Promise<{ window: IngestWindow; result: T }> {
  const signal = new AbortController();
  const [storedBefore, cpuBefore, started] = [await stored(), postgresCpuSeconds(ctx.env.stateDir), performance.now()];
  const [result, steady] = await Promise.all([during(signal), steadyLoad(gatewayUrl, { ...load, seconds: 3_600, until: signal.signal }, () => undefined)]);
  const seconds = (performance.now() - started) / 1000;
  const [storedAtEnd, cpu] = [await stored(), postgresCpuSeconds(ctx.env.stateDir) - cpuBefore];
  await pollUntil(stored, (n) => n >= storedBefore + steady.accepted.length, 120_000, "the writer to store the window's snapshots");
  return { window: { seconds, storedPerSecond: (storedAtEnd - storedBefore) / seconds, postgresCpuSeconds: cpu }, result };
}

/** CPU seconds of this process's reaped children (the lifecycle CLI, once it has exited). */
function childrenCpuSeconds(): number {
  return processCpuSeconds(process.pid, true) - processCpuSeconds(process.pid);
}
