import { existsSync } from 'node:fs';
import { deadLetterTopicOf } from '@pa/contracts';
import { Pool } from 'pg';
import { backfillHistory, Backfill, waitSettled } from '../measure/history-backfill';
import { QueryVariant, timeVariants } from '../measure/query-timing';
import { AppProcess, freePort } from '../support/app-process';
import { benchCatalogUrl } from '../support/bench-databases';
import { appMain } from '../support/paths';
import { formatNumber } from '../support/progress';
import { BenchContext, ItemResult } from './bench-context';
import { startPipelineApp } from './pipeline-apps';
import { queryRows } from './queries.rows';

const DATABASE = 'bench_queries';
const QUERY_API_MAIN = appMain('query-api');
const HOUR_MS = 3_600_000;

/**
 * Item 6: 24 h of simulated history through the real pipeline (collector → Kafka → writer →
 * summarizer), then /v1/top and /v1/machines/{id}/series over 1 h and 24 h: from rollups (the API's
 * own choice), from raw rows (resolution=raw) and from the Redis cache; /v1/top over 24 h and 7 d
 * also without fleet rollups, against the issue-15 target (uncached p50 ≤ 15 ms).
 */
export async function runQueries(ctx: BenchContext): Promise<ItemResult> {
  if (!existsSync(QUERY_API_MAIN)) throw new Error(`query-api not available (${QUERY_API_MAIN} missing)`);
  if (!ctx.env.redisUrl) throw new Error('no REDIS_URL: the bench stack starts a Redis for the cached variant');
  const urls = await ctx.databases.create(DATABASE);
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  const apps: AppProcess[] = [];
  try {
    const toMs = await buildHistory(ctx, urls, pools, apps);
    const uncached = await startQueryApi(ctx, urls, undefined, 'query-api-uncached');
    // The same API without fleet rollups (issue 15), side by side: the figure they are measured against.
    const perMachine = await startQueryApi(ctx, urls, undefined, 'query-api-per-machine', { QUERY_FLEET_ROLLUPS: 'false' });
    // The same API planning /v1/top per request (no generic plans): the figure before them.
    const customPlans = await startQueryApi(ctx, urls, undefined, 'query-api-custom-plans', { QUERY_TOP_GENERIC_PLANS: 'false' });
    // Generic plans with plan_cache_mode set in each statement's transaction (3 more round trips): the figure before their own pool.
    const inTransaction = await startQueryApi(ctx, urls, undefined, 'query-api-plans-in-transaction', { QUERY_TOP_GENERIC_PLANS_BY: 'transaction' });
    const cached = await startQueryApi(ctx, urls, ctx.env.redisUrl, 'query-api-cached');
    apps.push(uncached.process, perMachine.process, customPlans.process, inTransaction.process, cached.process);
    const variants = queryVariants({ uncached: uncached.url, perMachine: perMachine.url, customPlans: customPlans.url, inTransaction: inTransaction.url, cached: cached.url }, toMs);
    // How much raw data each window holds: what a forced-raw answer has to read.
    const rawRows = {
      '1h': await rowsBetween(pools, toMs - HOUR_MS, toMs),
      '24h': await rowsBetween(pools, toMs - 24 * HOUR_MS, toMs),
      '7d': await rowsBetween(pools, toMs - WINDOW_HOURS['7d'] * HOUR_MS, toMs),
    };
    ctx.progress.step(`item 6 · windows hold ${formatNumber(rawRows['1h'])} (1 h), ${formatNumber(rawRows['24h'])} (24 h) and ${formatNumber(rawRows['7d'])} (7 d) raw rows`);
    ctx.progress.step(`item 6 · ${variants.length} variants × ${ctx.options.queryRequests} requests, round-robin`);
    const timings = await timeVariants(variants, ctx.options.queryRequests);
    return { rows: queryRows(timings, rawRows), samples: [], summary: { history: ctx.options.history, rawRows, to: new Date(toMs).toISOString(), urls: variants.map((v) => v.url) } };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await ctx.databases.drop(DATABASE);
  }
}

/** Back-fills 24 h and 10 min up to now and waits for writer and summarizer; returns the end of the windows. */
async function buildHistory(ctx: BenchContext, urls: string[], pools: Pool[], apps: AppProcess[]): Promise<number> {
  const { machines, processes, intervalSeconds } = ctx.options.history;
  const nowMs = Date.now();
  const topic = `proc.snapshots.bench.history.${ctx.runId}`;
  const groupId = `proc-writer-bench-history-${ctx.runId}`;
  const run: Backfill = { brokers: ctx.env.brokers, kafka: ctx.kafka, topic, groupId, logDir: ctx.env.logDir, machines, processes, intervalSeconds, startMs: nowMs - 24 * HOUR_MS - 600_000 };
  const ticks = Math.floor((nowMs - run.startMs) / (intervalSeconds * 1000)) + 1;
  ctx.progress.step(`item 6 · back-filling ${formatNumber(ticks * machines)} snapshots (${formatNumber(ticks * machines * processes)} rows) through the collector, writer and summarizer`);
  await backfillHistory(run);
  apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic), WRITER_GROUP_ID: groupId }, 'writer-history'));
  apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-history'));
  // Patient but bounded: under load the summarizer took 18 min to catch up on a 24 h back-fill (README).
  await waitSettled(run, pools, 25 * 60_000);
  ctx.progress.step('item 6 · history stored and rolled up');
  // Whole minutes, all in the past: the windows end where the data is complete and summarized.
  return nowMs - (nowMs % 60_000) - 60_000;
}

/** Raw process rows in [fromMs, toMs) over every shard. */
async function rowsBetween(pools: Pool[], fromMs: number, toMs: number): Promise<number> {
  const counts = await Promise.all(
    pools.map((p) => p.query<{ n: string }>('SELECT count(*) AS n FROM process_samples WHERE ts >= $1 AND ts < $2', [new Date(fromMs), new Date(toMs)])),
  );
  return counts.reduce((n, r) => n + Number(r.rows[0].n), 0);
}

const WINDOW_HOURS = { '1h': 1, '24h': 24, '7d': 168 } as const;

/**
 * The 7 d window holds the same 24 h of history (the rest is empty): it measures what the plan
 * costs over a week of buckets (1d rows, and the 1h and 1m edges), not a week of data.
 */
function queryVariants(urls: { uncached: string; perMachine: string; customPlans: string; inTransaction: string; cached: string }, toMs: number): QueryVariant[] {
  const variants: QueryVariant[] = [];
  for (const window of ['1h', '24h', '7d'] as const) {
    const from = new Date(toMs - WINDOW_HOURS[window] * HOUR_MS).toISOString();
    const range = `from=${from}&to=${new Date(toMs).toISOString()}`;
    const top = `/v1/top?metric=cpu_pct&by=process&${range}`;
    const series = `/v1/machines/bench-q-0001/series?metric=cpu_pct&${range}`;
    variants.push(
      { endpoint: 'top', window, path: 'rollups', url: urls.uncached + top },
      { endpoint: 'top', window, path: 'per-machine', url: urls.perMachine + top },
      { endpoint: 'top', window, path: 'custom-plans', url: urls.customPlans + top },
      { endpoint: 'top', window, path: 'plans-in-transaction', url: urls.inTransaction + top },
    );
    // The same window 37 s off the minute: raw rows at both edges (a dashboard's now-24h), read machine by machine (layered-query.ts).
    if (window !== '1h') {
      const off = `from=${new Date(toMs - WINDOW_HOURS[window] * HOUR_MS - 37_000).toISOString()}&to=${new Date(toMs - 37_000).toISOString()}`;
      variants.push({ endpoint: 'top', window, path: 'off-minute', url: `${urls.uncached}/v1/top?metric=cpu_pct&by=process&${off}` });
    }
    // 7 d also cached: the target is about uncached answers, the cached figure says what is not SQL.
    if (window === '7d') variants.push({ endpoint: 'top', window, path: 'cached', url: urls.cached + top });
    // Forced raw is allowed up to 48 h (QUERY_MAX_RAW_WINDOW_HOURS); a 7 d series would need a coarser step.
    if (window === '7d') continue;
    variants.push(
      { endpoint: 'top', window, path: 'raw', url: `${urls.uncached}${top}&resolution=raw` },
      { endpoint: 'top', window, path: 'cached', url: urls.cached + top },
      { endpoint: 'series', window, path: 'rollups', url: urls.uncached + series },
      { endpoint: 'series', window, path: 'raw', url: `${urls.uncached}${series}&resolution=raw` },
    );
  }
  return variants;
}

export async function startQueryApi(
  ctx: BenchContext,
  urls: string[],
  redisUrl: string | undefined,
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<{ url: string; process: AppProcess }> {
  const port = await freePort();
  // REDIS_URL explicitly empty for the uncached one: infra/bench.sh exports the bench Redis, which the
  // child would inherit, and every "rollups" and "raw" answer was then a cache hit. The prefix stays
  // under pa:query:, the only keys the Redis ACL lets user query-api touch (infra/redis/acl-rules.txt):
  // outside it every command was NOPERM and every "cached" answer a miss.
  const env: Record<string, string> = { PG_SHARDS: urls.join(','), CATALOG_URL: benchCatalogUrl(urls), QUERY_PORT: String(port), QUERY_CACHE_PREFIX: `pa:query:bench:${ctx.runId}:`, REDIS_URL: redisUrl ?? '', ...extraEnv };
  const process = new AppProcess('query-api', env, ctx.env.logDir, label).start();
  await process.waitReady(`https://127.0.0.1:${port}/readyz`);
  return { url: `https://127.0.0.1:${port}`, process };
}
