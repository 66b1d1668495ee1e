// `npm run bench`: measures the pipeline against its physical limits, side by side in one run,
// prints a table (figure, baseline, ratio) and writes bench/results/<date>.json. infra/bench.sh
// starts the private stack this expects (own state dir and ports) and stops it afterwards.
import { loadavg } from 'node:os';
import { BenchOptions, USAGE, parseBenchOptions } from './cli/bench-options';
import { describePlan } from './cli/bench-plan';
import { BenchContext, ItemResult, TableRow, createContext } from './items/bench-context';
import { runLoadComparison } from './items/load-comparison';
import { runGatewayVsBroker } from './items/gateway-vs-broker';
import { runFreshness } from './items/freshness';
import { runQueries } from './items/queries';
import { runTracingCost } from './items/tracing-cost';
import { runDashboardLoad } from './items/dashboard-load';
import { runBucketMove } from './items/bucket-move';
import { runStorage } from './items/storage';
import { runScrubbingCost } from './items/scrubbing-cost';
import { runRetention } from './items/retention';
import { runSealingUnderIngest } from './items/sealing-under-ingest';
import { renderTable } from './report/table';
import { writeResults } from './report/results-file';
import { loadBenchEnv } from './support/bench-env';
import { BENCH_TOPIC_PREFIX, deleteTopics } from './data/topic-filler';
import { Progress } from './support/progress';

const ITEMS: { item: number; title: string; run: (ctx: BenchContext, done: Map<number, ItemResult>) => Promise<ItemResult> }[] = [
  { item: 1, title: 'items 1–3: writer, COPY, INSERT, indexes', run: (ctx) => runLoadComparison(ctx) },
  { item: 4, title: 'item 4: gateway vs broker', run: (ctx) => runGatewayVsBroker(ctx) },
  { item: 5, title: 'item 5: end-to-end freshness', run: (ctx, done) => runFreshness(ctx, done) },
  { item: 6, title: 'item 6: queries', run: (ctx) => runQueries(ctx) },
  { item: 7, title: 'item 7: tracing cost on ingest', run: (ctx) => runTracingCost(ctx) },
  { item: 8, title: 'item 8: dashboard load times and bundle size', run: (ctx) => runDashboardLoad(ctx) },
  { item: 9, title: 'item 9: a bucket move under load', run: (ctx, done) => runBucketMove(ctx, done) },
  { item: 10, title: 'item 10: storage, heap vs compressed day', run: (ctx) => runStorage(ctx) },
  { item: 11, title: 'item 11: secret scrubbing cost on ingest', run: (ctx) => runScrubbingCost(ctx) },
  { item: 12, title: 'item 12: retention, INSERT wait while a day is archived and dropped', run: (ctx) => runRetention(ctx) },
  { item: 13, title: 'item 13: sealing a day under ingest', run: (ctx, done) => runSealingUnderIngest(ctx, done) },
];

async function main(argv: string[]): Promise<number> {
  const parsed = parseBenchOptions(argv);
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  process.stderr.write(`${describePlan(parsed)}\n`);
  if (parsed.isPlanOnly) return 0;
  return run(parsed, argv.filter((a) => a !== '--plan'));
}

async function run(options: BenchOptions, argv: string[]): Promise<number> {
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const progress = new Progress();
  const ctx = createContext(loadBenchEnv(process.env), options, progress);
  const done = new Map<number, ItemResult>();
  const items: Record<string, ItemResult | { error: string }> = {};
  const rows: TableRow[] = [];
  // Topics of earlier runs would only fill the disk. Every topic of this run is named
  // proc.snapshots.bench.*: under the prefix the services' Kafka ACLs grant (infra/lib/kafka-security.sh).
  const leftovers = await deleteTopics(ctx.kafka, BENCH_TOPIC_PREFIX);
  if (leftovers) progress.step(`could not delete the topics of earlier runs (${leftovers.message}); going on`);
  for (const { item, title, run: runItem } of ITEMS.filter((i) => options.items.has(i.item))) {
    progress.step(`${title}: starting`);
    try {
      const result = await runItem(ctx, done);
      done.set(item, result);
      items[item] = result;
      rows.push(...result.rows);
    } catch (error) {
      // One failed item must not cost the figures of the others; the run still exits non-zero.
      const message = (error as Error).message;
      items[item] = { error: message };
      rows.push({ item: String(item), what: `${title} FAILED`, figure: '', baseline: '', ratio: NaN, note: message.split('\n')[0] });
      progress.step(`${title}: FAILED: ${message}`);
    }
  }
  await deleteTopics(ctx.kafka, BENCH_TOPIC_PREFIX);
  const table = renderTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  const path = writeResults({ startedAt, argv, options, loadAtStart, items }, table);
  progress.step(`results written to ${path} (${Math.round(progress.elapsedSeconds())} s in all)`);
  return Object.values(items).some((r) => 'error' in r) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
