import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { AppProcess, pollUntil } from '../support/app-process';
import { benchCatalogUrl } from '../support/bench-databases';
import { createTopic } from '../data/topic-filler';
import { BUILD_ROOT } from '../support/paths';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { startPipelineApp } from './pipeline-apps';

const run = promisify(execFile);
const DATABASE = 'bench_retention';
const DAY_MS = 86_400_000;
/** Full: 20 machines × 100 processes × 300 snapshots = 600,000 rows; quick: 30,000. */
const FULL = { machines: 20, processes: 100, ticks: 300 };
const QUICK = { machines: 5, processes: 50, ticks: 120 };
/**
 * A day a tenth the size, archived by a run of its own before the full one: the run's peak RSS at two
 * day sizes (it should not grow with the day: the archive holds one row group, ARCHIVE_ROW_GROUP_ROWS).
 */
const SMALL_TICKS_DIVISOR = 10;
/** Rows of one INSERT into the current day: a writer's small batch. */
const INSERT_ROWS = 200;

/**
 * Item 12: retention of a day while writers write the current one. The simulated fleet goes
 * through Kafka and the writer into a day three days back; `npm run lifecycle -- run` with a raw
 * retention of 2 days then seals it, archives it (encrypted Parquet), verifies the archive and
 * drops the day (DETACH … CONCURRENTLY, DROP), while one session INSERTs into today's partition
 * back to back. Figures: the longest INSERT (its wait included) during the run, target ≤ 2 s; and
 * archive bytes per sample next to heap and compressed.
 */
export async function runRetention(ctx: BenchContext): Promise<ItemResult> {
  const fleet = ctx.options.isQuick ? QUICK : FULL;
  const rows = fleet.machines * fleet.processes * fleet.ticks;
  const dayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const partition = `process_samples_${day.replace(/-/g, '')}`;
  const small = { ...fleet, ticks: Math.max(1, Math.floor(fleet.ticks / SMALL_TICKS_DIVISOR)) };
  const smallRows = small.machines * small.processes * small.ticks;
  const smallDayMs = dayMs - DAY_MS;
  const smallDay = new Date(smallDayMs).toISOString().slice(0, 10);
  const smallPartition = `process_samples_${smallDay.replace(/-/g, '')}`;
  const urls = await ctx.databases.create(DATABASE);
  const topic = `proc.snapshots.bench.retention.${ctx.runId}`;
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  const archiveDir = mkdtempSync(join(tmpdir(), 'pa-bench-archive-'));
  const apps: AppProcess[] = [];
  try {
    // The writer's principal may read its topic but not create it (the ACLs): the bench, as admin, does.
    for (const name of [topic, `${topic}.dlq`]) await createTopicOnceLeadersAre(ctx, name);
    apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: `${topic}.dlq`, WRITER_GROUP_ID: `proc-writer-bench-retention-${ctx.runId}` }, 'writer-retention'));
    ctx.progress.step(`item 12 · ${formatNumber(rows)} rows of the simulated fleet into ${day} and ${formatNumber(smallRows)} into ${smallDay} (Kafka, writer)`);
    for (const [f, startMs] of [[fleet, dayMs], [small, smallDayMs]] as const) {
      const args = ['simulate', '--kafka', '--machines', String(f.machines), '--processes', String(f.processes), '--interval', '10s', '--ticks', String(f.ticks), '--start', new Date(startMs).toISOString(), '--prefix', 'bench-rt-'];
      await run(process.execPath, [join(BUILD_ROOT, 'apps', 'collector', 'src', 'main.js'), ...args], { env: { ...process.env, KAFKA_BROKERS: ctx.env.brokers.join(','), KAFKA_TOPIC: topic }, maxBuffer: 1 << 24 });
    }
    await pollUntil(() => sumOver(pools, `SELECT count(*) AS n FROM ONLY ${partition}`), (n) => n >= rows, 600_000, 'the writer to store every row');
    await pollUntil(() => sumOver(pools, `SELECT count(*) AS n FROM ONLY ${smallPartition}`), (n) => n >= smallRows, 600_000, 'the writer to store every row of the small day');
    const heapBytes = await sumOver(pools, `SELECT pg_total_relation_size('${partition}') AS n`);
    // The lifecycle's peak RSS (getrusage's ru_maxrss, KiB), printed at its exit by a preloaded hook: what
    // archiving the day (and verifying it) held in memory; the sealing before it is SQL on the node.
    const rssHook = join(archiveDir, 'max-rss.cjs');
    writeFileSync(rssHook, `process.on('exit', () => process.stderr.write('PA_MAX_RSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n`);
    const env = {
      ...process.env, PG_SHARDS: urls.join(','), CATALOG_URL: benchCatalogUrl(urls), LIFECYCLE_DAYS: day, LIFECYCLE_LATENESS: '2d',
      RETENTION_DAYS: '2', ARCHIVE_DIR: archiveDir, ARCHIVE_KEY_FILE: join(archiveDir, 'archive.key'),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${rssHook}`.trim(),
    };
    ctx.progress.step(`item 12 · sealing, archiving and dropping ${smallDay} (${formatNumber(smallRows)} rows) alone, for its peak RSS`);
    const smallRun = await run(process.execPath, [join(BUILD_ROOT, 'apps', 'lifecycle', 'src', 'cli.js'), 'run'], { env: { ...env, LIFECYCLE_DAYS: smallDay }, maxBuffer: 1 << 20 });
    const smallRssMiB = rssMiBOf(smallRun.stderr);
    const smallArchived = [...smallRun.stdout.matchAll(/archived (\d+) samples/g)].reduce((n, m) => n + Number(m[1]), 0);
    ctx.progress.step(`item 12 · sealing, archiving and dropping ${day} while INSERTs go into today`);
    const inserts = insertLoop(pools[0]);
    const started = performance.now();
    const { stdout, stderr } = await run(process.execPath, [join(BUILD_ROOT, 'apps', 'lifecycle', 'src', 'cli.js'), 'run'], { env, maxBuffer: 1 << 20 }).finally(() => inserts.stop());
    const runSeconds = (performance.now() - started) / 1000;
    const waits = await inserts.done;
    const archived = [...stdout.matchAll(/archived (\d+) samples and \d+ ledger rows \((\d+) bytes, verified\), day dropped/g)];
    const archivedRows = archived.reduce((n, m) => n + Number(m[1]), 0);
    const archiveBytes = archived.reduce((n, m) => n + Number(m[2]), 0);
    const left = await sumOver(pools, `SELECT count(*) AS n FROM pg_class WHERE relname = '${partition}'`);
    const longestMs = Math.max(...waits);
    const maxRssMiB = rssMiBOf(stderr);
    // The same CLI's fixed cost (Node, pg, the config, the key): `status` on the same nodes, nothing archived.
    const idleRssMiB = rssMiBOf((await run(process.execPath, [join(BUILD_ROOT, 'apps', 'lifecycle', 'src', 'cli.js'), 'status', '--json'], { env, maxBuffer: 1 << 24 })).stderr);
    const note = archivedRows !== rows || left > 0 ? `expected ${rows} rows archived and the day gone: ${stdout.trim()}` : undefined;
    const smallNote = smallArchived !== smallRows ? `expected ${smallRows} rows archived on ${smallDay}: ${smallRun.stdout.trim()}` : undefined;
    return {
      rows: [
        { item: '12', what: `longest INSERT of ${INSERT_ROWS} rows into today while a day was sealed, archived and dropped (${waits.length} INSERTs)`, figure: `${formatNumber(longestMs)} ms`, baseline: `median ${formatNumber(median(waits), 1)} ms`, ratio: longestMs / median(waits), target: '≤ 2000 ms', isMet: longestMs <= 2000, note },
        { item: '12', what: `archive bytes per process sample (encrypted Parquet, zstd), ${formatNumber(rows)} rows`, figure: `${formatNumber(archiveBytes / Math.max(1, archivedRows), 1)} B`, baseline: `heap + indexes ${formatNumber(heapBytes / rows, 1)} B`, ratio: heapBytes / Math.max(1, archiveBytes) },
        // Streamed (cursor, row groups of ARCHIVE_ROW_GROUP_ROWS, chunked encryption): flat in the day's size, where the archive built in memory took ~1 KB a sample.
        { item: '12', what: `peak RSS of the lifecycle run that sealed, archived, verified and dropped ${formatNumber(rows)} rows`, figure: `${formatNumber(maxRssMiB, 1)} MiB`, baseline: `\`lifecycle status\` ${formatNumber(idleRssMiB, 1)} MiB`, ratio: maxRssMiB / idleRssMiB },
        // The same run on a day a tenth the size: the ratio is how much the run's memory grows with the day.
        { item: '12', what: `peak RSS of the lifecycle run, ${formatNumber(rows)} rows against ${formatNumber(smallRows)} (a day ${SMALL_TICKS_DIVISOR}× smaller, its own run)`, figure: `${formatNumber(maxRssMiB, 1)} MiB`, baseline: `${formatNumber(smallRssMiB, 1)} MiB`, ratio: maxRssMiB / smallRssMiB, note: smallNote },
      ],
      samples: [],
      summary: { day, rows, smallDay, smallRows, smallRssMiB, heapBytes, archiveBytes, archivedRows, runSeconds, maxRssMiB, idleRssMiB, longestInsertMs: longestMs, inserts: waits.length, output: stdout.trim() },
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await ctx.databases.drop(DATABASE);
    rmSync(archiveDir, { recursive: true, force: true });
  }
}

/**
 * createTopic, tried again for up to 60 s: a broker that just started answers "does not host this
 * topic-partition" while it waits for the new topic's leaders (kafkajs retries a few times only).
 */
async function createTopicOnceLeadersAre(ctx: BenchContext, topic: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await createTopic(ctx.kafka, topic, 2);
    } catch (error) {
      if (Date.now() > deadline || !/does not host this topic-partition/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** INSERTs into today's partition back to back until stopped; resolves with each one's time, ms. */
function insertLoop(pool: Pool): { stop: () => void; done: Promise<number[]> } {
  let isStopped = false;
  const sql = `INSERT INTO process_samples (ts, machine_id, pid, name, cpu_pct, mem_pct, rss_bytes)
    SELECT now(), 'bench-rt-live-' || (g % 10), g, 'live', 1.5, 0.5, 1024 FROM generate_series(1, ${INSERT_ROWS}) g`;
  const done = (async () => {
    const waits: number[] = [];
    while (!isStopped) {
      const t0 = performance.now();
      await pool.query(sql);
      waits.push(performance.now() - t0);
    }
    return waits;
  })();
  return { stop: () => (isStopped = true), done };
}

/** The peak RSS the preloaded hook printed (PA_MAX_RSS_KB), MiB. */
function rssMiBOf(stderr: string): number {
  return Number(/PA_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function sumOver(pools: Pool[], sql: string): Promise<number> {
  const counts = await Promise.all(pools.map(async (p) => Number((await p.query<{ n: string }>(sql)).rows[0].n)));
  return counts.reduce((a, b) => a + b, 0);
}
