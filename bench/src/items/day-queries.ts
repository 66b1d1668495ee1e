import { QueryVariant, TimedAnswer, timeVariants } from '../measure/query-timing';
import { formatNumber } from '../support/progress';
import { percentile } from '../support/stats';
import { BenchContext, TableRow } from './bench-context';
import { startQueryApi } from './queries';

const DAY_MS = 86_400_000;
/** Requests per variant and form: raw answers over a whole day take seconds each. */
const REQUESTS = { quick: 3, full: 8 };
/**
 * Aggregates must not be slower over a compressed day (rollups answer them in both forms); a
 * quarter more is what this shared box's noise moves a p50 between two runs of the same query.
 */
const AGGREGATE_RATIO_LIMIT = 1.25;
/** One-machine raw reads decode that machine's segments: at most 3× the heap's time (issue 10). */
const RAW_RATIO_LIMIT = 3;

/** p50 and p99 of each variant, ms, by its label. */
export type DayQueryTimes = Map<string, { p50: number; p99: number; resolution?: string }>;

/**
 * `/v1/top` and one machine's `/v1/machines/{id}/series` over the 24 h of `dayMs`, from rollups (the
 * API's own choice) and from raw rows (resolution=raw), uncached, through a query API of its own.
 * Run once while the day is heap and once after it was sealed: the same questions on the same rows.
 */
export async function timeDayQueries(ctx: BenchContext, urls: string[], dayMs: number, machineId: string, label: string): Promise<DayQueryTimes> {
  const api = await startQueryApi(ctx, urls, undefined, `query-api-day-${label}`);
  try {
    const range = `from=${new Date(dayMs).toISOString()}&to=${new Date(dayMs + DAY_MS).toISOString()}`;
    const top = `${api.url}/v1/top?metric=cpu_pct&by=process&${range}`;
    const series = `${api.url}/v1/machines/${machineId}/series?metric=rss_bytes&${range}`;
    const variants: QueryVariant[] = [
      { endpoint: 'top', window: '24h', path: 'rollups', url: top },
      { endpoint: 'top', window: '24h', path: 'raw', url: `${top}&resolution=raw` },
      { endpoint: 'series', window: '24h', path: 'rollups', url: series },
      { endpoint: 'series', window: '24h', path: 'raw', url: `${series}&resolution=raw` },
    ];
    const requests = ctx.options.isQuick ? REQUESTS.quick : REQUESTS.full;
    ctx.progress.step(`item 10 · ${variants.length} queries over the ${label} day × ${requests}, round-robin`);
    const timings = await timeVariants(variants, requests);
    return new Map(variants.map((v) => [`${v.endpoint} ${v.path}`, summarize(timings.get(v) ?? [])]));
  } finally {
    await api.process.stop();
  }
}

/** Table lines: each query over the compressed day against the same over the heap day. */
export function dayQueryRows(heap: DayQueryTimes, compressed: DayQueryTimes, rows: number): TableRow[] {
  return [...heap.entries()].map(([label, before]) => {
    const after = compressed.get(label) ?? { p50: NaN, p99: NaN };
    const ratio = after.p50 / before.p50;
    const isRaw = label.endsWith('raw');
    const limit = isRaw ? RAW_RATIO_LIMIT : AGGREGATE_RATIO_LIMIT;
    return {
      item: '10',
      what: `${label.startsWith('top') ? '/v1/top by process' : "one machine's /v1/machines/{id}/series"} over the day (${formatNumber(rows)} rows), ${isRaw ? 'resolution=raw' : "the API's choice"}: compressed vs heap, p50 / p99`,
      figure: `${formatNumber(after.p50)} / ${formatNumber(after.p99)} ms`,
      baseline: `heap ${formatNumber(before.p50)} / ${formatNumber(before.p99)} ms`,
      ratio,
      target: `≤ ${limit}×`,
      isMet: ratio <= limit,
      note: `answered at ${before.resolution ?? '?'} (heap) and ${after.resolution ?? '?'} (compressed)`,
    };
  });
}

function summarize(answers: TimedAnswer[]): { p50: number; p99: number; resolution?: string } {
  const ms = answers.map((a) => a.ms);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), resolution: answers[0]?.resolution };
}
