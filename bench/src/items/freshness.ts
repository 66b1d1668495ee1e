import { Pool } from 'pg';
import { deadLetterTopicOf } from '@pa/contracts';
import { consumerLag } from '@pa/kafka';
import { saturatingLoad, steadyLoad } from '../measure/steady-load';
import { VisibilityWatcher } from '../measure/visibility-watcher';
import { AppProcess, pollUntil } from '../support/app-process';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { startGateway } from './gateway-vs-broker';
import { freshnessRows } from './freshness.rows';
import { medianOf } from './paired';
import { startPipelineApp } from './pipeline-apps';

const DATABASE = 'bench_freshness';
const MACHINES = 200;

/**
 * Item 5: gateway, writer and summarizer on fresh databases; the pipeline's maximum measured in
 * place; then a steady open-loop load at half of it, and the time from each 202 to its rows, and to
 * its rollup minute, being visible in PostgreSQL.
 */
export async function runFreshness(ctx: BenchContext, done: Map<number, ItemResult>): Promise<ItemResult> {
  const processes = ctx.options.fleet.processes;
  const urls = await ctx.databases.create(DATABASE);
  const topic = `proc.snapshots.bench.fresh.${ctx.runId}`;
  const groupId = `proc-writer-bench-fresh-${ctx.runId}`;
  const gateway = await startGateway(ctx, topic, 'gateway-fresh');
  const apps: AppProcess[] = [gateway.process];
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  try {
    apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic), WRITER_GROUP_ID: groupId }, 'writer-fresh'));
    apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-fresh'));
    const max = await maximumInPlace(ctx, gateway.url, { topic, groupId }, pools, done);
    const rate = max.snapshotsPerSecond / 2;
    const watcher = new VisibilityWatcher(pools, ctx.router);
    watcher.start();
    ctx.progress.step(`item 5 · ${ctx.options.freshness.seconds} s at ${formatNumber(rate, 1)} snapshots/s (half of ${max.source})`);
    const load = await steadyLoad(gateway.url, { rate, seconds: ctx.options.freshness.seconds, machines: MACHINES, processes, prefix: 'bench-fr-' }, (s) => watcher.add(s));
    ctx.progress.step(`item 5 · load done (${formatNumber(load.achievedPerSecond, 1)} snapshots/s accepted, ${load.rejected} refused); waiting for the rest to land`);
    const unfinished = await watcher.finish(120_000);
    return { rows: freshnessRows(watcher.sightings, load, { rate, source: max.source, unfinished }), samples: [], summary: { rate, max, accepted: load.accepted.length, rejected: load.rejected, unfinished } };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await ctx.databases.drop(DATABASE);
  }
}

/**
 * The pipeline's sustained maximum where it runs: a burst of the steady load's own client (the same
 * fresh snapshots, closed loop) while writer and summarizer run beside it (on two cores they take
 * CPU and broker time from it, so the gateway alone, item 4, would overstate it), divided by the
 * time until the burst is stored and rolled up: the gateway's rate alone would leave writer and
 * summarizer behind, and their backlog would load the steady run. Everything is drained before the
 * steady load starts.
 */
export async function maximumInPlace(ctx: BenchContext, gatewayUrl: string, group: { topic: string; groupId: string }, pools: Pool[], done: Map<number, ItemResult>) {
  const seconds = Math.min(ctx.options.gateway.seconds, 10);
  ctx.progress.step(`item 5 · the pipeline's sustained maximum in place: ${seconds} s closed loop, then until writer and summarizer are done`);
  const plan = { concurrency: ctx.options.gateway.connections, machines: MACHINES, processes: ctx.options.fleet.processes, prefix: 'bench-fmax-' };
  // A fresh gateway: warm it up first, as item 4 does, so that the figure is not its JIT's.
  await saturatingLoad(gatewayUrl, { ...plan, seconds: Math.min(3, seconds) });
  await waitForWriter(ctx, group);
  await waitForSummarizer(pools);
  const started = performance.now();
  const burst = await saturatingLoad(gatewayUrl, { ...plan, seconds });
  const burstPerSecond = burst.accepted / burst.seconds;
  await waitForWriter(ctx, group);
  await waitForSummarizer(pools);
  const settledSeconds = (performance.now() - started) / 1000;
  const sustained = burst.accepted / settledSeconds;
  const item4 = done.get(4);
  const alone = item4 ? `; gateway alone ${formatNumber(medianOf(item4.samples, 'gateway'), 1)}/s` : '';
  const source =
    `${formatNumber(sustained, 1)}/s sustained: ${formatNumber(burst.accepted)} snapshots taken in ${seconds} s at ${formatNumber(burstPerSecond, 1)}/s, ` +
    `stored and rolled up ${formatNumber(settledSeconds, 1)} s after the burst began${alone}`;
  return { snapshotsPerSecond: sustained, burstPerSecond, settledSeconds, source };
}

export async function waitForSummarizer(pools: Pool[]): Promise<void> {
  const depth = async () => {
    const counts = await Promise.all(pools.map((p) => p.query<{ n: string }>('SELECT count(*) AS n FROM rollup_outbox')));
    return counts.reduce((n, r) => n + Number(r.rows[0].n), 0);
  };
  await pollUntil(depth, (n) => n === 0, 10 * 60_000, 'the summarizer to empty the outbox', 250);
}

async function waitForWriter(ctx: BenchContext, { topic, groupId }: { topic: string; groupId: string }): Promise<void> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const lag = async () => (await consumerLag(admin, groupId, topic)).reduce((n, p) => n + p.lag, 0);
    await pollUntil(lag, (n) => n === 0, 10 * 60_000, 'the writer to drain the burst', 250);
  } finally {
    await admin.disconnect();
  }
}
