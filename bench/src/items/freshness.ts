import { Pool } from 'pg';
import { consumerLag } from '@pa/kafka';
import { steadyLoad } from '../measure/steady-load';
import { VisibilityWatcher } from '../measure/visibility-watcher';
import { loadGateway } from '../measure/gateway-load';
import { AppProcess, pollUntil } from '../support/app-process';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { snapshotBodies, startGateway } from './gateway-vs-broker';
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
  const topic = `bench.fresh.${ctx.runId}`;
  const groupId = `bench-fresh-${ctx.runId}`;
  const gateway = await startGateway(ctx, topic, 'gateway-fresh');
  const apps: AppProcess[] = [gateway.process];
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  try {
    apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: `${topic}.dlq`, WRITER_GROUP_ID: groupId }, 'writer-fresh'));
    apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-fresh'));
    const max = await maximumInPlace(ctx, gateway.url, { topic, groupId }, done);
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
 * The pipeline's maximum where it runs: autocannon at the gateway while writer and summarizer run
 * beside it (on two cores they take CPU and broker time from it, so the gateway alone, item 4, would
 * overstate it). Waits for the writer to drain that burst before the steady load starts.
 */
async function maximumInPlace(ctx: BenchContext, gatewayUrl: string, group: { topic: string; groupId: string }, done: Map<number, ItemResult>) {
  const seconds = Math.min(ctx.options.gateway.seconds, 10);
  ctx.progress.step(`item 5 · the pipeline's maximum in place: autocannon ${seconds} s, writer and summarizer running`);
  const bodies = snapshotBodies(64, ctx.options.fleet.processes, 'bench-fmax-');
  // A fresh gateway: warm it up first, as item 4 does, so that the figure is not its JIT's.
  await loadGateway(gatewayUrl, bodies, Math.min(3, seconds), ctx.options.gateway.connections);
  const burst = await loadGateway(gatewayUrl, bodies, seconds, ctx.options.gateway.connections);
  await waitForWriter(ctx, group);
  const item4 = done.get(4);
  const alone = item4 ? `; gateway alone ${formatNumber(medianOf(item4.samples, 'gateway'), 1)}/s` : '';
  return { snapshotsPerSecond: burst.acceptedPerSecond, source: `${formatNumber(burst.acceptedPerSecond, 1)}/s measured with writer and summarizer running${alone}` };
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
