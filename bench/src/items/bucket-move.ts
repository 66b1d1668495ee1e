import { Pool } from 'pg';
import { deadLetterTopicOf } from '@pa/contracts';
import { Cluster, MoveRecord, Mover } from '@pa/catalog';
import { fillRange } from '../measure/range-history';
import { QueryProber } from '../measure/query-prober';
import { steadyLoad } from '../measure/steady-load';
import { VisibilityWatcher } from '../measure/visibility-watcher';
import { MetricsSampler } from '../measure/metrics-sampler';
import { AppProcess, freePort, sleep } from '../support/app-process';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { MoveTimes, WRITER_PAUSE_METRICS, bucketMoveRows } from './bucket-move.rows';
import { maximumInPlace, waitForSummarizer } from './freshness';
import { startGateway } from './gateway-vs-broker';
import { startPipelineApp } from './pipeline-apps';
import { startQueryApi } from './queries';

const DATABASE = 'bench_move';
const LOAD_MACHINES = 200;
const HOUR_MS = 3_600_000;

/**
 * Item 9: a bucket range holding ≥ 1M process rows moved from node 0 to node 1 by the real mover
 * while a steady load at half the pipeline's measured maximum goes through gateway, writer and
 * summarizer (some of it into the moving range) and an analyst reads the range through the query
 * API: rows/s copied, the move's total time, the writer's longest ingest pause (its own
 * histograms, scraped every 500 ms) against issue 12's 2 s, the longest 202 → visible time of the
 * load, and the query p99, before vs during the move.
 */
export async function runBucketMove(ctx: BenchContext, done: Map<number, ItemResult>): Promise<ItemResult> {
  const urls = await ctx.databases.create(DATABASE);
  const catalogUrl = ctx.databases.catalogUrl(DATABASE);
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 3 }));
  const cluster = new Cluster({ urls, catalogUrl, mapPollMs: 2_000, poolSize: 3, statementTimeoutMs: 600_000 });
  const apps: AppProcess[] = [];
  try {
    const range = await movedRange(cluster);
    const { rows: wanted, beforeSeconds } = ctx.options.move;
    ctx.progress.step(`item 9 · storing ${formatNumber(wanted)} rows of history in buckets ${range.from}-${range.to} on node 0`);
    let lastShown = 0;
    const history = await fillRange(pools[0], { shard: 0, ...range, rows: wanted, processes: 50, prefix: 'bench-mvh-' }, (rows) => {
      if (rows - lastShown < 250_000) return;
      lastShown = rows;
      ctx.progress.step(`item 9 · ${formatNumber(rows)} rows stored`);
    });
    const topic = `proc.snapshots.bench.move.${ctx.runId}`;
    const groupId = `proc-writer-bench-move-${ctx.runId}`;
    const gateway = await startGateway(ctx, topic, 'gateway-move');
    apps.push(gateway.process);
    const writerPort = await freePort();
    const writerEnv = { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic), WRITER_GROUP_ID: groupId, WRITER_PORT: String(writerPort) };
    apps.push(await startPipelineApp(ctx, 'writer', urls, writerEnv, 'writer-move'));
    apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-move'));
    const query = await startQueryApi(ctx, urls, undefined, 'query-api-move');
    apps.push(query.process);
    ctx.progress.step('item 9 · waiting for the summarizer to roll the history up');
    await waitForSummarizer(pools);
    const max = await maximumInPlace(ctx, gateway.url, { topic, groupId }, pools, done);
    const rate = max.snapshotsPerSecond / 2;

    const watcher = new VisibilityWatcher(pools, 'any shard');
    watcher.start();
    const pauses = new MetricsSampler(`http://127.0.0.1:${writerPort}/metrics`, WRITER_PAUSE_METRICS, 'cause').start();
    const stopLoad = new AbortController();
    const loadPlan = { rate, seconds: 3_600, machines: LOAD_MACHINES, processes: ctx.options.fleet.processes, prefix: 'bench-mvl-', until: stopLoad.signal };
    const load = steadyLoad(gateway.url, loadPlan, (s) => watcher.add(s));
    const prober = new QueryProber(query.url, probePaths(history.machines[0])).start();
    ctx.progress.step(`item 9 · load at ${formatNumber(rate, 1)} snapshots/s (half of ${max.source}); ${beforeSeconds} s before the move`);
    await sleep(beforeSeconds * 1000);
    const { record, times } = await timedMove(cluster, ctx, range);
    await sleep(3_000); // a little of the load after the last switch, so its tail is measured too
    stopLoad.abort();
    const loadResult = await load;
    const probes = await prober.stop();
    const scrapes = await pauses.stop();
    const unfinished = await watcher.finish(120_000);
    const copyLimit = ctx.options.move.copyRowsPerSecond;
    const rows = bucketMoveRows({ record, times, history, rate, source: max.source, load: loadResult, sightings: watcher.sightings, probes, unfinished, scrapes, copyLimit });
    return { rows, samples: [], summary: { range, history: { machines: history.machines.length, rows: history.rows }, rate, rowsCopied: record.rowsCopied, copyLimit, steps: Object.fromEntries(times.steps), unfinished } };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await cluster.end();
    await ctx.databases.drop(DATABASE);
  }
}

/** The first half of node 0's buckets. */
async function movedRange(cluster: Cluster): Promise<{ from: number; to: number }> {
  const { map } = await cluster.state();
  const own = map.ranges.find((r) => r.shard === 0);
  if (!own) throw new Error('node 0 owns no buckets in the bench catalog');
  return { from: own.from, to: own.from + Math.floor((own.to - own.from) / 2) };
}

/** The reads of an analyst looking at a moving machine and at the fleet: last hour, rollups and raw. */
function probePaths(machineId: string): string[] {
  const to = new Date(Date.now() - (Date.now() % 60_000) + 60_000);
  const range = `from=${new Date(to.getTime() - HOUR_MS).toISOString()}&to=${to.toISOString()}`;
  return [`/v1/machines/${machineId}/series?metric=cpu_pct&${range}`, `/v1/top?metric=cpu_pct&by=process&${range}`, `/v1/machines/${machineId}/series?metric=cpu_pct&${range}&resolution=raw`];
}

/** Runs the move with the mover of `npm run shards -- move`, noting when each step began and ended. */
async function timedMove(cluster: Cluster, ctx: BenchContext, range: { from: number; to: number }): Promise<{ record: MoveRecord; times: MoveTimes }> {
  const times: MoveTimes = { startedAtMs: Date.now(), endedAtMs: 0, steps: new Map() };
  const mover = new Mover(cluster, {
    graceMs: 3 * 2_000,
    sliceRows: 100_000,
    copyRowsPerSecond: ctx.options.move.copyRowsPerSecond,
    verifyAttempts: 5,
    verifyPauseMs: 1_000,
    log: (line) => ctx.progress.step(`item 9 · ${line}`),
    onPoint: (point, step) => {
      const now = Date.now();
      const entry = times.steps.get(step) ?? { startMs: now };
      if (point === 'fenced') entry.fencedMs ??= now;
      if (point === 'step-done') entry.endMs = now;
      times.steps.set(step, entry);
    },
  });
  const record = await mover.move(range.from, range.to, 1);
  times.endedAtMs = Date.now();
  return { record, times };
}
