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
/** The snapshot asked for: 10 min 5 s into the simulated day (its quick run covers 20 min). */
const SNAPSHOT_OFFSET_MS = 605_000;

/** What each timed query is, by its label (`endpoint path`), and the ratio it must stay under, if any. */
const DAY_QUERIES: Record<string, { what: string; limit?: number }> = {
  'top rollups': { what: "/v1/top by process over the day, the API's choice", limit: AGGREGATE_RATIO_LIMIT },
  // A fleet question over raw rows reads every machine's segments: a figure, the target is for one machine's reads.
  'top raw': { what: '/v1/top by process over the day, resolution=raw (every machine)' },
  'series rollups': { what: "one machine's /v1/machines/{id}/series over the day, the API's choice", limit: AGGREGATE_RATIO_LIMIT },
  'series raw': { what: "one machine's /v1/machines/{id}/series over the day, resolution=raw", limit: RAW_RATIO_LIMIT },
  'snapshot raw': { what: "one machine's /v1/machines/{id}/snapshot?at= (raw rows of one instant)", limit: RAW_RATIO_LIMIT },
};

/** p50 and p99 of each variant, ms, by its label. */
export type DayQueryTimes = Map<string, { p50: number; p99: number; resolution?: string }>;

/**
 * `/v1/top` and one machine's `/v1/machines/{id}/series` over the 24 h of `dayMs`, from rollups (the
 * API's own choice) and from raw rows (resolution=raw), and that machine's snapshot at an instant of
 * the day (always raw rows), uncached, through a query API of its own.
 * Run once while the day is heap and once after it was sealed: the same questions on the same rows.
 */
export async function timeDayQueries(ctx: BenchContext, urls: string[], dayMs: number, machineId: string, label: string): Promise<DayQueryTimes> {
  const api = await startQueryApi(ctx, urls, undefined, `query-api-day-${label}`);
  try {
    const range = `from=${new Date(dayMs).toISOString()}&to=${new Date(dayMs + DAY_MS).toISOString()}`;
    const top = `${api.url}/v1/top?metric=cpu_pct&by=process&${range}`;
    const series = `${api.url}/v1/machines/${machineId}/series?metric=rss_bytes&${range}`;
    const snapshot = `${api.url}/v1/machines/${machineId}/snapshot?at=${new Date(dayMs + SNAPSHOT_OFFSET_MS).toISOString()}`;
    const variants: QueryVariant[] = [
      { endpoint: 'top', window: '24h', path: 'rollups', url: top },
      { endpoint: 'top', window: '24h', path: 'raw', url: `${top}&resolution=raw` },
      { endpoint: 'series', window: '24h', path: 'rollups', url: series },
      { endpoint: 'series', window: '24h', path: 'raw', url: `${series}&resolution=raw` },
      { endpoint: 'snapshot', window: 'at', path: 'raw', url: snapshot },
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
    const { what, limit } = DAY_QUERIES[label] ?? { what: label };
    return {
      item: '10',
      what: `${what} (${formatNumber(rows)} rows that day): compressed vs heap, p50 / p99`,
      figure: `${formatNumber(after.p50)} / ${formatNumber(after.p99)} ms`,
      baseline: `heap ${formatNumber(before.p50)} / ${formatNumber(before.p99)} ms`,
      ratio,
      ...(limit === undefined ? {} : { target: `≤ ${limit}×`, isMet: ratio <= limit }),
      note: `answered at ${before.resolution ?? '?'} (heap) and ${after.resolution ?? '?'} (compressed)`,
    };
  });
}

function summarize(answers: TimedAnswer[]): { p50: number; p99: number; resolution?: string } {
  const ms = answers.map((a) => a.ms);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), resolution: answers[0]?.resolution };
}
