import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deadLetterTopicOf } from '@pa/contracts';
import { PG_SERVICE_ROLE, pgPasswordFile } from '@pa/config';
import { generateSnapshots, FleetShape } from '../data/fleet-generator';
import { writeShardCsvFiles } from '../data/csv-files';
import { createTopic, fillTopic } from '../data/topic-filler';
import { psqlCopy, CopyLoad } from '../measure/psql-copy';
import { insertBatches } from '../measure/insert-batches';
import { drainWithWriter } from '../measure/writer-drain';
import { StatementTime, kafkaCpuSeconds, postgresCpuSeconds, statementTimes } from '../measure/load-profile';
import { formatNumber } from '../support/progress';
import { rotate } from '../support/stats';
import { BenchContext, ItemResult, Sample } from './bench-context';
import { loadComparisonRows } from './load-comparison.rows';

const LOADS = ['copy-parent', 'writer', 'copy-partition', 'writer-v2', 'insert-1000', 'writer-zstd', 'copy-extra-indexes', 'writer-no-tls', 'writer-v2-baseline'] as const;
export type LoadName = (typeof LOADS)[number];

/**
 * The loads of this run. `writer-v2-baseline` is a second writer in the same rounds, for a
 * before/after of a writer change on one loaded box; it runs when any of these is set:
 * BENCH_WRITER_BASELINE_DIST, a compiled tree of another commit (e.g. a copy of var/bench/dist
 * from an earlier run) whose writer it runs; BENCH_WRITER_BASELINE_ENV, `K=V,K=V` more environment
 * for it (other settings, same code); BENCH_WRITER_BASELINE_SOURCE, the topic it drains (v2, the
 * default, or v1, v1-zstd). BENCH_LOADS (comma-separated names) runs only those loads.
 */
function loadsOfRun(env: NodeJS.ProcessEnv = process.env): LoadName[] {
  const only = env.BENCH_LOADS?.split(',').map((l) => l.trim()).filter(Boolean);
  const unknown = only?.filter((l) => !(LOADS as readonly string[]).includes(l)) ?? [];
  if (unknown.length > 0) throw new Error(`BENCH_LOADS: unknown load(s) ${unknown.join(', ')}; known: ${LOADS.join(', ')}`);
  return LOADS.filter((l) => (only ? only.includes(l) : l !== 'writer-v2-baseline' || hasBaseline(env)));
}

function hasBaseline(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.BENCH_WRITER_BASELINE_DIST || env.BENCH_WRITER_BASELINE_ENV || env.BENCH_WRITER_BASELINE_SOURCE);
}

/** BENCH_WRITER_BASELINE_ENV as an environment: `K=V,K=V`. */
function baselineEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  // Split at the first '=' only: a value may hold more (NODE_OPTIONS=--max-semi-space-size=64).
  const pairs = (env.BENCH_WRITER_BASELINE_ENV ?? '').split(',').filter(Boolean).map((kv) => (kv.includes('=') ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv]));
  if (pairs.some((kv) => kv.length !== 2 || !kv[0])) throw new Error(`BENCH_WRITER_BASELINE_ENV must be K=V,K=V; got ${env.BENCH_WRITER_BASELINE_ENV}`);
  return Object.fromEntries(pairs);
}

function baselineSource(env: NodeJS.ProcessEnv = process.env): 'v1' | 'v2' | 'v1-zstd' {
  const source = env.BENCH_WRITER_BASELINE_SOURCE ?? 'v2';
  if (source !== 'v1' && source !== 'v2' && source !== 'v1-zstd') throw new Error(`BENCH_WRITER_BASELINE_SOURCE must be v1, v2 or v1-zstd; got ${source}`);
  return source;
}

interface Prepared {
  shape: FleetShape;
  files: { path: string; rows: number }[];
  topic: string;
  /** the same snapshots as schema version 2 (binary) records */
  topicV2: string;
  /** the same JSON records in zstd batches (KAFKA_COMPRESSION=zstd; the others are uncompressed, as our producers send by default) */
  topicZstd: string;
  totalRows: number;
  partition: string;
}

/**
 * Items 1–3: the same generated rows loaded seven ways (the writer also without TLS: the cost of
 * encryption in transit, issue 11; and from schema version 2 records, issue 15), each into fresh
 * databases, interleaved
 * (every round starts with a different loader) so that the box's noise hits all of them alike.
 */
export async function runLoadComparison(ctx: BenchContext): Promise<ItemResult> {
  const loads = loadsOfRun();
  const prepared = await prepare(ctx, loads);
  const samples: Sample[] = [];
  if (loads.includes('writer-v2-baseline')) ctx.progress.step(`items 1–3 · writer-v2-baseline: ${baselineSource()} records, tree ${process.env.BENCH_WRITER_BASELINE_DIST ?? 'this one'}, env ${JSON.stringify(baselineEnv())}`);
  for (let rep = 0; rep < ctx.options.reps; rep++) {
    for (const load of rotate(loads, rep)) {
      ctx.progress.step(`items 1–3 · round ${rep + 1}/${ctx.options.reps} · ${load}`);
      const result = await measureLoad(ctx, prepared, load, rep);
      const rowsPerSecond = result.rows / result.seconds;
      ctx.progress.step(`  ${load}: ${formatNumber(result.rows)} rows in ${result.seconds.toFixed(1)} s = ${formatNumber(rowsPerSecond)} rows/s`);
      samples.push({ measurement: load, rep, value: rowsPerSecond, unit: 'rows/s', detail: { ...result } });
    }
  }
  return { rows: loadComparisonRows(samples), samples, summary: { fleet: ctx.options.fleet, rows: prepared.totalRows, partition: prepared.partition } };
}

async function prepare(ctx: BenchContext, loads: readonly LoadName[]): Promise<Prepared> {
  const { machines, processes, snapshots } = ctx.options.fleet;
  const shape: FleetShape = { machines, processes, snapshots, intervalMs: 10_000, startMs: startOfData(Date.now()), prefix: 'bench-' };
  const totalRows = machines * processes * snapshots;
  mkdirSync(ctx.env.dataDir, { recursive: true });
  ctx.progress.step(`items 1–3 · generating ${formatNumber(totalRows)} rows (${machines} machines × ${processes} processes × ${snapshots} snapshots): CSV per shard`);
  const files = await writeShardCsvFiles(generateSnapshots(shape), ctx.router, ctx.env.dataDir);
  const topic = `proc.snapshots.bench.load.${ctx.runId}`;
  const topicV2 = `proc.snapshots.bench.load-v2.${ctx.runId}`;
  const topicZstd = `proc.snapshots.bench.load-zstd.${ctx.runId}`;
  const total = machines * snapshots;
  const topics = [[topic, 'v1', 'none'], [topicV2, 'v2', 'none'], [topicZstd, 'v1', 'zstd']] as const;
  // Only the topics some load of this run drains (BENCH_LOADS may leave some out).
  const needed = new Set(loads.flatMap(sourceOf));
  for (const [name, format, compression] of topics.filter(([, format, compression]) => needed.has(compression === 'zstd' ? 'v1-zstd' : format))) {
    await createTopic(ctx.kafka, name, 12);
    // the writer's dead-letter topic: its principal may not create it
    await createTopic(ctx.kafka, deadLetterTopicOf(name), 1);
    let sent = 0;
    const stop = ctx.progress.every(5_000, () => `produced ${formatNumber(sent)}/${formatNumber(total)} ${format} snapshots`);
    try {
      const filled = await fillTopic(ctx.kafka, name, generateSnapshots(shape), (n) => (sent = n), undefined, format, compression);
      ctx.progress.step(`items 1–3 · topic ${name} pre-filled (${format}, ${compression}): ${formatNumber(filled.records)} records, ${formatNumber(filled.bytes / 1e6, 1)} MB`);
    } finally {
      stop();
    }
  }
  const day = new Date(shape.startMs).toISOString().slice(0, 10).replace(/-/g, '');
  return { shape, files, topic, topicV2, topicZstd, totalRows, partition: `process_samples_${day}` };
}

/**
 * Data lies within one UTC day (so that "straight into the day's partition" holds it all), an hour
 * or more in the past, inside the partitions the migrations create (yesterday to 3 days ahead).
 */
export function startOfData(nowMs: number): number {
  const earlier = nowMs - 3 * 3_600_000;
  return earlier - (earlier % 86_400_000) + 3_600_000;
}

interface MeasuredLoad extends CopyLoad {
  statements: StatementTime[];
  /** CPU all shard nodes' PostgreSQL processes used during the load, s */
  postgresCpuSeconds: number;
  /** CPU the Kafka broker used during the load, s */
  kafkaCpuSeconds: number;
}

async function measureLoad(ctx: BenchContext, prepared: Prepared, load: LoadName, rep: number): Promise<MeasuredLoad> {
  const database = `bench_${load.replace(/-/g, '_')}`;
  const urls = await ctx.databases.create(database);
  await ctx.databases.checkpoint();
  try {
    const cpuBefore = { postgres: postgresCpuSeconds(ctx.env.stateDir), kafka: kafkaCpuSeconds(ctx.env.stateDir) };
    const result = await runLoad(ctx, prepared, load, { database, urls }, rep);
    const postgresCpu = postgresCpuSeconds(ctx.env.stateDir) - cpuBefore.postgres;
    const kafkaCpu = kafkaCpuSeconds(ctx.env.stateDir) - cpuBefore.kafka;
    const stored = await ctx.databases.countSamples(database);
    if (stored !== prepared.totalRows) throw new Error(`${load}: ${stored} rows stored, ${prepared.totalRows} expected`);
    // Where the time went (pg_stat_statements, CPU of every process involved), kept in the JSON to explain a missed target.
    return { ...result, statements: await statementTimes(ctx.env.shardNodes, database), postgresCpuSeconds: postgresCpu, kafkaCpuSeconds: kafkaCpu };
  } finally {
    await ctx.databases.drop(database);
  }
}

async function runLoad(
  ctx: BenchContext,
  prepared: Prepared,
  load: LoadName,
  { database, urls }: { database: string; urls: string[] },
  rep: number,
): Promise<CopyLoad> {
  switch (load) {
    case 'copy-parent':
      return psqlCopy(urls, prepared.files, 'process_samples');
    case 'copy-partition':
      return psqlCopy(urls, prepared.files, prepared.partition);
    case 'copy-extra-indexes':
      // The seed's suggestion: btree indexes on the two metrics, on top of our set.
      await ctx.databases.queryEach(database, 'CREATE INDEX ON process_samples (cpu_pct); CREATE INDEX ON process_samples (mem_pct)');
      return psqlCopy(urls, prepared.files, 'process_samples');
    case 'insert-1000':
      return insertBatches(urls, ctx.router, () => generateSnapshots(prepared.shape), ctx.options.insertBatchRows);
    case 'writer':
      return drainWriter(ctx, prepared, urls, rep, true);
    case 'writer-v2':
      return drainWriter(ctx, prepared, urls, rep, true, 'v2');
    case 'writer-v2-baseline':
      return drainWriter(ctx, prepared, urls, rep, true, baselineSource(), { buildRoot: process.env.BENCH_WRITER_BASELINE_DIST, env: baselineEnv() });
    case 'writer-zstd':
      return drainWriter(ctx, prepared, urls, rep, true, 'v1-zstd');
    case 'writer-no-tls':
      return drainWriter(ctx, prepared, urls.map(withoutTls), rep, false);
  }
}

/** The topics a load drains, by its source name. */
function sourceOf(load: LoadName): ('v1' | 'v2' | 'v1-zstd')[] {
  if (load === 'writer' || load === 'writer-no-tls') return ['v1'];
  if (load === 'writer-v2') return ['v2'];
  if (load === 'writer-zstd') return ['v1-zstd'];
  if (load === 'writer-v2-baseline') return [baselineSource()];
  return [];
}

/** A node URL with TLS off (the bench stack's nodes accept that: PG_ALLOW_PLAINTEXT in infra/bench.sh). */
function withoutTls(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('sslrootcert');
  parsed.searchParams.set('sslmode', 'disable');
  return parsed.toString();
}

/** The real writer as it is deployed: its own role (pa_writer), over TLS unless `isTls` is false. */
async function drainWriter(
  ctx: BenchContext,
  prepared: Prepared,
  urls: string[],
  rep: number,
  isTls: boolean,
  source: 'v1' | 'v2' | 'v1-zstd' = 'v1',
  baseline?: { buildRoot?: string; env: Record<string, string> },
): Promise<CopyLoad> {
  let rows = 0;
  const variant = `${isTls ? '' : 'no-tls-'}${source === 'v1' ? '' : `${source}-`}${baseline ? 'baseline-' : ''}`;
  const stop = ctx.progress.every(5_000, () => `writer: ${formatNumber(rows)}/${formatNumber(prepared.totalRows)} rows stored`);
  try {
    return await drainWithWriter({
      brokers: ctx.env.brokers,
      topic: { v1: prepared.topic, v2: prepared.topicV2, 'v1-zstd': prepared.topicZstd }[source],
      groupId: `proc-writer-bench-${variant}${ctx.runId}-${rep}`,
      shardUrls: urls,
      logDir: ctx.env.logDir,
      label: `writer-load-${variant}${rep}`,
      expectedRows: prepared.totalRows,
      env: {
        PG_USER: PG_SERVICE_ROLE.writer,
        PG_PASSWORD_FILE: pgPasswordFile(join(ctx.env.stateDir, 'secrets'), PG_SERVICE_ROLE.writer),
        PG_SSLROOTCERT: isTls ? (process.env.PG_SSLROOTCERT ?? '') : '',
        ...baseline?.env,
      },
      onProgress: (n) => (rows = n),
      buildRoot: baseline?.buildRoot,
    });
  } finally {
    stop();
  }
}
