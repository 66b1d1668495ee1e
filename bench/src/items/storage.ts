import { execFile } from 'node:child_process';
import { deadLetterTopicOf } from '@pa/contracts';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { AppProcess, pollUntil } from '../support/app-process';
import { benchCatalogUrl } from '../support/bench-databases';
import { BUILD_ROOT } from '../support/paths';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { dayQueryRows, timeDayQueries } from './day-queries';
import { startPipelineApp } from './pipeline-apps';

const run = promisify(execFile);
const DATABASE = 'bench_storage';
/** The same day kept as heap (a copy of DATABASE before sealing), timed side by side with the sealed one. */
const HEAP_DATABASE = 'bench_storage_heap';
const DAY_MS = 86_400_000;
/** Full: 20 machines × 100 processes × 300 snapshots (50 min at 10 s) = 600,000 rows; quick: 30,000. */
const FULL = { machines: 20, processes: 100, ticks: 300 };
const QUICK = { machines: 5, processes: 50, ticks: 120 };

/** The simulated fleet of a day, by the run's size: items 10 and 13 seal the same. */
export function simulatedDayFleet(ctx: BenchContext): typeof FULL {
  return ctx.options.isQuick ? QUICK : FULL;
}

/** `collector simulate --kafka`: the fleet's `ticks` snapshots every 10 s from `dayMs` on, into `topic`. */
export async function simulateDay(ctx: BenchContext, topic: string, dayMs: number, fleet: typeof FULL, prefix: string): Promise<void> {
  const args = ['simulate', '--kafka', '--machines', String(fleet.machines), '--processes', String(fleet.processes), '--interval', '10s', '--ticks', String(fleet.ticks), '--start', new Date(dayMs).toISOString(), '--prefix', prefix];
  await run(process.execPath, [join(BUILD_ROOT, 'apps', 'collector', 'src', 'main.js'), ...args], { env: { ...process.env, KAFKA_BROKERS: ctx.env.brokers.join(','), KAFKA_TOPIC: topic }, maxBuffer: 1 << 24 });
}

/** `npm run lifecycle -- run` on `urls`, for `day` only; its output and how long it took. */
export async function sealDay(urls: string[], day: string): Promise<{ stdout: string; seconds: number }> {
  const started = performance.now();
  const env = { ...process.env, PG_SHARDS: urls.join(','), CATALOG_URL: benchCatalogUrl(urls), LIFECYCLE_DAYS: day, LIFECYCLE_LATENESS: '2d' };
  const { stdout } = await run(process.execPath, [join(BUILD_ROOT, 'apps', 'lifecycle', 'src', 'cli.js'), 'run'], { env, maxBuffer: 1 << 20 });
  return { stdout, seconds: (performance.now() - started) / 1000 };
}
/** The machine whose series is timed over the heap and the compressed day (`--prefix bench-st-`). */
const QUERIED_MACHINE = 'bench-st-0001';

/**
 * Item 9: bytes per process sample of one day as heap (partition and its indexes) and compressed
 * (segments, their indexes, the command-line dictionary), on the simulated fleet's data (`collector
 * simulate`: realistic command lines and value walks) sent through Kafka and the writer into a day
 * three days back; sealed by `npm run lifecycle -- run` (rows/s of sealing). Target: ≥ 12× smaller.
 * The same queries over the day as heap (a copy kept aside) and compressed, interleaved (day-queries.ts).
 */
export async function runStorage(ctx: BenchContext): Promise<ItemResult> {
  const fleet = simulatedDayFleet(ctx);
  const rows = fleet.machines * fleet.processes * fleet.ticks;
  const dayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const partition = `process_samples_${day.replace(/-/g, '')}`;
  const urls = await ctx.databases.create(DATABASE);
  const topic = `proc.snapshots.bench.storage.${ctx.runId}`;
  const poolsOf = () => urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  let pools = poolsOf();
  const apps: AppProcess[] = [];
  try {
    apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic), WRITER_GROUP_ID: `proc-writer-bench-storage-${ctx.runId}` }, 'writer-storage'));
    ctx.progress.step(`item 10 · ${formatNumber(rows)} rows of the simulated fleet into ${day} (Kafka, writer)`);
    await simulateDay(ctx, topic, dayMs, fleet, 'bench-st-');
    await pollUntil(() => sumOver(pools, `SELECT count(*) AS n FROM ONLY ${partition}`), (n) => n >= rows, 600_000, 'the writer to store every row');
    const heapBytes = await sumOver(pools, `SELECT pg_total_relation_size('${partition}') AS n`);
    // Rollups of the day, so that the queries below answer as they would in service.
    apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-storage'));
    await pollUntil(() => sumOver(pools, 'SELECT (SELECT count(*) FROM rollup_outbox) + (SELECT count(*) FROM fleet_rollup_outbox) AS n'), (n) => n === 0, 600_000, 'the summarizer to roll the day up');
    // The heap day copied aside (no session may be open on the template), then the original sealed:
    // both forms of the same rows, queried in the same rounds below.
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    pools = [];
    ctx.progress.step(`item 10 · copying the heap day aside (${HEAP_DATABASE})`);
    const heapUrls = await ctx.databases.copy(DATABASE, HEAP_DATABASE);
    pools = poolsOf();
    ctx.progress.step(`item 10 · sealing ${day}: npm run lifecycle -- run`);
    const { stdout, seconds: sealSeconds } = await sealDay(urls, day);
    const left = await sumOver(pools, `SELECT count(*) AS n FROM ONLY ${partition}`);
    const compressedBytes = await sumOver(pools, `SELECT pg_total_relation_size('process_segments') + pg_total_relation_size('process_strings') AS n`);
    const ratio = heapBytes / compressedBytes;
    const { heap: heapQueries, compressed: compressedQueries } = await timeDayQueries(ctx, { heap: heapUrls, compressed: urls }, dayMs, QUERIED_MACHINE);
    const note = left > 0 ? `${left} rows left in the heap: ${stdout.trim()}` : undefined;
    return {
      rows: [
        { item: '10', what: `bytes per process sample, compressed day (segments, indexes, dictionary), ${formatNumber(rows)} rows`, figure: `${formatNumber(compressedBytes / rows, 1)} B`, baseline: `heap + indexes ${formatNumber(heapBytes / rows, 1)} B`, ratio, target: '≥ 12', isMet: ratio >= 12, note },
        { item: '10', what: 'sealing the day (rewrite, verify, delete, vacuum), rows/s', figure: formatNumber(rows / sealSeconds), baseline: `${formatNumber(sealSeconds, 1)} s`, ratio: NaN },
        ...dayQueryRows(heapQueries, compressedQueries, rows),
      ],
      samples: [],
      summary: { day, rows, heapBytes, compressedBytes, ratio, sealSeconds, output: stdout.trim() },
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await ctx.databases.drop(DATABASE);
    await ctx.databases.drop(HEAP_DATABASE);
  }
}

export async function sumOver(pools: Pool[], sql: string): Promise<number> {
  const counts = await Promise.all(pools.map(async (p) => Number((await p.query<{ n: string }>(sql)).rows[0].n)));
  return counts.reduce((a, b) => a + b, 0);
}
