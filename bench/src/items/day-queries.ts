import { TimedAnswer, timedGet } from '../measure/query-timing';
import { formatNumber } from '../support/progress';
import { median, percentile, ratio } from '../support/stats';
import { BenchContext, TableRow } from './bench-context';
import { startQueryApi } from './queries';

const DAY_MS = 86_400_000;
/** Requests per variant and form: raw answers over a whole day take seconds each. */
const REQUESTS = { quick: 3, full: 12 };
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

/** p50 and p99 of each variant, ms, by its label; `paired`: the median over rounds of compressed / heap. */
export type DayQueryTimes = Map<string, { p50: number; p99: number; paired?: number; resolution?: string }>;

/** The same day on two database sets: kept as heap in one, sealed (compressed) in the other. */
export interface DayForms {
  heap: string[];
  compressed: string[];
}

/**
 * `/v1/top` and one machine's `/v1/machines/{id}/series` over the 24 h of `dayMs`, from rollups (the
 * API's own choice) and from raw rows (resolution=raw), and that machine's snapshot at an instant of
 * the day (always raw rows), uncached, through a query API per form: the same questions on the same
 * rows, heap and compressed. Interleaved: every round asks each question of both forms back to back
 * (which goes first alternates by round), so the box's load moves both alike. Timed one after the
 * other in two phases, the raw series' ratio was 2.11× in one run and 3.50× in the next.
 */
export async function timeDayQueries(ctx: BenchContext, forms: DayForms, dayMs: number, machineId: string): Promise<{ heap: DayQueryTimes; compressed: DayQueryTimes }> {
  const heapApi = await startQueryApi(ctx, forms.heap, undefined, 'query-api-day-heap');
  try {
    const compressedApi = await startQueryApi(ctx, forms.compressed, undefined, 'query-api-day-compressed');
    try {
      const questions = dayQuestions(dayMs, machineId);
      const requests = ctx.options.isQuick ? REQUESTS.quick : REQUESTS.full;
      ctx.progress.step(`item 10 · ${questions.length} queries × ${requests} over the heap and the compressed day, interleaved`);
      const heap = new Map<string, TimedAnswer[]>(questions.map((q) => [q.label, []]));
      const compressed = new Map<string, TimedAnswer[]>(questions.map((q) => [q.label, []]));
      for (let round = -1; round < requests; round++) {
        for (const q of questions) {
          const order = round % 2 === 0 ? ([[heapApi.url, heap], [compressedApi.url, compressed]] as const) : ([[compressedApi.url, compressed], [heapApi.url, heap]] as const);
          for (const [base, answers] of order) {
            const answer = await timedGet(`${base}${q.path}`);
            if (answer.status !== 200) throw new Error(`GET ${base}${q.path} answered ${answer.status}`);
            if (answer.cache === 'hit') throw new Error(`GET ${base}${q.path} was a cache hit: the figure would be the cache's`);
            // round -1: one unmeasured request of each (warm-up)
            if (round >= 0) answers.get(q.label)?.push(answer);
          }
        }
      }
      const pairedOf = (label: string) => median((heap.get(label) ?? []).map((h, i) => ratio(compressed.get(label)?.[i]?.ms ?? NaN, h.ms)));
      return {
        heap: new Map(questions.map((q) => [q.label, summarize(heap.get(q.label) ?? [])])),
        compressed: new Map(questions.map((q) => [q.label, { ...summarize(compressed.get(q.label) ?? []), paired: pairedOf(q.label) }])),
      };
    } finally {
      await compressedApi.process.stop();
    }
  } finally {
    await heapApi.process.stop();
  }
}

/** The questions asked of either form: a label (`endpoint path`, DAY_QUERIES' keys) and the path with its query. */
function dayQuestions(dayMs: number, machineId: string): { label: string; path: string }[] {
  const range = `from=${new Date(dayMs).toISOString()}&to=${new Date(dayMs + DAY_MS).toISOString()}`;
  const top = `/v1/top?metric=cpu_pct&by=process&${range}`;
  const series = `/v1/machines/${machineId}/series?metric=rss_bytes&${range}`;
  return [
    { label: 'top rollups', path: top },
    { label: 'top raw', path: `${top}&resolution=raw` },
    { label: 'series rollups', path: series },
    { label: 'series raw', path: `${series}&resolution=raw` },
    { label: 'snapshot raw', path: `/v1/machines/${machineId}/snapshot?at=${new Date(dayMs + SNAPSHOT_OFFSET_MS).toISOString()}` },
  ];
}

/** Table lines: each query over the compressed day against the same over the heap day, timed in the same rounds. */
export function dayQueryRows(heap: DayQueryTimes, compressed: DayQueryTimes, rows: number): TableRow[] {
  return [...heap.entries()].map(([label, before]) => {
    const after = compressed.get(label) ?? { p50: NaN, p99: NaN };
    const p50Ratio = ratio(after.p50, before.p50);
    const { what, limit } = DAY_QUERIES[label] ?? { what: label };
    return {
      item: '10',
      what: `${what} (${formatNumber(rows)} rows that day): compressed vs heap, interleaved, p50 / p99`,
      figure: `${formatNumber(after.p50)} / ${formatNumber(after.p99)} ms`,
      baseline: `heap ${formatNumber(before.p50)} / ${formatNumber(before.p99)} ms`,
      ratio: p50Ratio,
      ...(limit === undefined ? {} : { target: `≤ ${limit}×`, isMet: p50Ratio <= limit }),
      note: `answered at ${before.resolution ?? '?'} (heap) and ${after.resolution ?? '?'} (compressed); median of the rounds' compressed / heap ${formatNumber(after.paired ?? NaN, 2)}×`,
    };
  });
}

function summarize(answers: TimedAnswer[]): { p50: number; p99: number; resolution?: string } {
  const ms = answers.map((a) => a.ms);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), resolution: answers[0]?.resolution };
}
