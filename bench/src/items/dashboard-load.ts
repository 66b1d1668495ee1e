import { existsSync } from 'node:fs';
import { deadLetterTopicOf } from '@pa/contracts';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Backfill, backfillHistory, waitSettled } from '../measure/history-backfill';
import { PageLoad, bundleSizes, launchChromium, loadUntilMark } from '../measure/page-load';
import { AppProcess, freePort } from '../support/app-process';
import { benchCatalogUrl } from '../support/bench-databases';
import { BUILD_ROOT, appMain } from '../support/paths';
import { formatNumber } from '../support/progress';
import { median } from '../support/stats';
import { BenchContext, ItemResult, TableRow } from './bench-context';
import { startPipelineApp } from './pipeline-apps';

const DATABASE = 'bench_dashboard';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The budgets (issue 13). */
const FIRST_CHART_BUDGET_MS = 1000;
const BUNDLE_BUDGET_GZIP = 300 * 1024;
/** 7 days at 1 minute is 10,080 points: above the API's default cap of 10,000 per series. */
const MAX_POINTS = '20000';

/**
 * Item 8: the dashboard in Debian's headless Chromium, each load in a fresh context (a first
 * visit, nothing cached), against a query API without Redis (every answer computed): time from
 * navigation start to the view's first chart drawn (its Performance API mark) for the Fleet view
 * over 24 h of the fleet and the Machine view over 7 days at 1-minute steps; and the bundle size.
 */
export async function runDashboardLoad(ctx: BenchContext): Promise<ItemResult> {
  const dashboardDir = join(BUILD_ROOT, 'apps', 'dashboard');
  if (!existsSync(appMain('query-api')) || !existsSync(join(dashboardDir, 'index.html'))) throw new Error(`query-api or the dashboard build missing in ${BUILD_ROOT}`);
  const urls = await ctx.databases.create(DATABASE);
  const pools = urls.map((url) => new Pool({ connectionString: url, max: 2 }));
  const apps: AppProcess[] = [];
  try {
    const toMs = await buildHistory(ctx, urls, pools, apps);
    const port = await freePort();
    const env = { PG_SHARDS: urls.join(','), CATALOG_URL: benchCatalogUrl(urls), QUERY_PORT: String(port), REDIS_URL: '', QUERY_MAX_POINTS: MAX_POINTS };
    apps.push(await new AppProcess('query-api', env, ctx.env.logDir, 'query-api-dashboard').start().waitReady(`https://127.0.0.1:${port}/readyz`));
    const origin = `https://127.0.0.1:${port}`;
    const window = (days: number) => `range=custom&from=${new Date(toMs - days * DAY_MS).toISOString()}&to=${new Date(toMs).toISOString()}`;
    const views = [
      { what: 'Fleet view, 24 h', url: `${origin}/#/fleet?${window(1)}`, mark: 'pa:fleet-chart' },
      { what: 'Machine view, 7 days at 1-minute steps (10,080 points × 2 charts)', url: `${origin}/#/machine/bench-m-0001?${window(7)}&step=1m`, mark: 'pa:machine-chart' },
    ];
    const browser = await launchChromium();
    const loads = new Map<string, PageLoad[]>(views.map((v) => [v.what, []]));
    try {
      // Interleaved, so a busy moment of the shared box falls on both views alike.
      for (let i = 0; i < ctx.options.dashboard.loads; i++) {
        for (const v of views) loads.get(v.what)?.push(await loadUntilMark(browser, v.url, v.mark));
      }
    } finally {
      await browser.close();
    }
    ctx.progress.step(`item 8 · ${ctx.options.dashboard.loads} loads per view done`);
    const sizes = bundleSizes(dashboardDir);
    return { rows: rows(views.map((v) => v.what), loads, sizes), samples: [], summary: { loads: Object.fromEntries(loads), sizes, to: new Date(toMs).toISOString(), dashboard: ctx.options.dashboard } };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(pools.map((p) => p.end()));
    await ctx.databases.drop(DATABASE);
  }
}

function rows(views: string[], loads: Map<string, PageLoad[]>, sizes: ReturnType<typeof bundleSizes>): TableRow[] {
  const out: TableRow[] = views.map((what) => {
    const all = loads.get(what) ?? [];
    const first = median(all.map((l) => l.markMs));
    const worst = Math.max(...all.map((l) => l.markMs));
    return {
      item: '8',
      what: `${what}: navigation → first chart drawn, median / worst of ${all.length} first visits`,
      figure: `${formatNumber(first)} / ${formatNumber(worst)} ms`,
      baseline: `DOM ready ${formatNumber(median(all.map((l) => l.domContentLoadedMs)))} ms, ${formatNumber(median(all.map((l) => l.apiRequests)))} API requests`,
      ratio: NaN,
      target: `< ${formatNumber(FIRST_CHART_BUDGET_MS)} ms`,
      isMet: first < FIRST_CHART_BUDGET_MS,
    };
  });
  out.push({
    item: '8',
    what: 'dashboard JavaScript bundle, gzip -9 (raw); CSS',
    figure: `${formatNumber(sizes.js.gzip / 1024, 1)} KiB (${formatNumber(sizes.js.raw / 1024, 1)} KiB)`,
    baseline: `CSS ${formatNumber(sizes.css.gzip / 1024, 1)} KiB gzip`,
    ratio: NaN,
    target: '< 300 KiB gzip',
    isMet: sizes.js.gzip < BUNDLE_BUDGET_GZIP,
  });
  return out;
}

/**
 * 24 h (and 10 min) of the fleet up to now, plus 7 days of one machine sampled every minute, both
 * back-filled by the collector through Kafka, the writer and the summarizer; returns the end of the
 * windows (whole minutes, in the past, so the data is complete and summarized).
 */
async function buildHistory(ctx: BenchContext, urls: string[], pools: Pool[], apps: AppProcess[]): Promise<number> {
  const { machines, processes, intervalSeconds } = ctx.options.dashboard;
  const nowMs = Date.now();
  const topic = `proc.snapshots.bench.dashboard.${ctx.runId}`;
  const groupId = `proc-writer-bench-dashboard-${ctx.runId}`;
  const base = { brokers: ctx.env.brokers, kafka: ctx.kafka, topic, groupId, logDir: ctx.env.logDir };
  const fleet: Backfill = { ...base, machines, processes, intervalSeconds, startMs: nowMs - DAY_MS - 600_000, prefix: 'bench-d-', label: 'collector-dashboard-fleet' };
  const week: Backfill = { ...base, machines: 1, processes, intervalSeconds: 60, startMs: nowMs - 7 * DAY_MS - 600_000, prefix: 'bench-m-', label: 'collector-dashboard-week' };
  const rows = machines * processes * (DAY_MS / 1000 / intervalSeconds) + processes * 7 * 1440;
  ctx.progress.step(`item 8 · back-filling about ${formatNumber(rows)} rows (24 h of ${machines} machines, 7 days of one) through the collector, writer and summarizer`);
  await Promise.all([backfillHistory(fleet), backfillHistory(week)]);
  apps.push(await startPipelineApp(ctx, 'writer', urls, { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic), WRITER_GROUP_ID: groupId }, 'writer-dashboard'));
  apps.push(await startPipelineApp(ctx, 'summarizer', urls, {}, 'summarizer-dashboard'));
  await waitSettled(fleet, pools, 30 * 60_000);
  ctx.progress.step('item 8 · history stored and rolled up');
  return nowMs - (nowMs % 60_000) - 60_000;
}
