import { MoveRecord, MoveStep } from '@pa/catalog';
import { Probe } from '../measure/query-prober';
import { RangeHistory } from '../measure/range-history';
import { SteadyLoadResult } from '../measure/steady-load';
import { Sighting } from '../measure/visibility-watcher';
import { HistogramScrape, WindowSummary, summarizeWindow } from '../measure/histogram-window';
import { formatNumber } from '../support/progress';
import { percentile, ratio } from '../support/stats';
import { TableRow } from './bench-context';

/** When each step of the move began (published or resumed) and ended, and when its copy began. */
export interface MoveTimes {
  startedAtMs: number;
  endedAtMs: number;
  steps: Map<MoveStep, { startMs: number; endMs?: number; fencedMs?: number }>;
}

const INGEST_PAUSE = 'pa_writer_ingest_pause_seconds';
const MOVE_WAIT = 'pa_writer_move_wait_seconds';
/** The writer's histograms item 9 scrapes (move waits split by their cause). */
export const WRITER_PAUSE_METRICS = [INGEST_PAUSE, MOVE_WAIT];
/** Issue 12: the writer's ingest pause during a move stays under this, seconds (a bucket bound of the histogram). */
const PAUSE_TARGET_SECONDS = 2;

export interface BucketMoveRun {
  record: MoveRecord;
  times: MoveTimes;
  history: RangeHistory;
  rate: number;
  source: string;
  load: SteadyLoadResult;
  sightings: Sighting[];
  probes: Probe[];
  unfinished: number;
  /** the writer's /metrics, every 500 ms from the load's start */
  scrapes: HistogramScrape[];
  /** the copy's rate limit, rows/s (0: none) */
  copyLimit: number;
}

const ms = (value: number) => `${formatNumber(value)} ms`;

/** The slowest 202 → rows visible of the snapshots accepted during each step: where a pause comes from. */
export function slowestByStep(run: Pick<BucketMoveRun, 'times' | 'sightings'>): Record<string, number> {
  const slowest: Record<string, number> = {};
  for (const [step, t] of run.times.steps) {
    const end = t.endMs ?? run.times.endedAtMs;
    const waits = run.sightings.flatMap((s) => (s.rowsAtMs !== undefined && s.snapshot.acceptedAtMs >= t.startMs && s.snapshot.acceptedAtMs <= end ? [s.rowsAtMs - s.snapshot.acceptedAtMs] : []));
    slowest[step] = waits.length ? Math.max(...waits) : NaN;
  }
  return slowest;
}

/** "0.3–0.5 s": the histogram bucket the longest observation fell in. */
function longest(w: WindowSummary | undefined): string {
  if (!w) return 'not scraped';
  if (w.count === 0) return 'none';
  const bound = (v: number) => (v === Infinity ? '∞' : String(Number(v.toFixed(3))));
  return `${bound(w.longestAbove)}–${bound(w.longestAtMost)} s`;
}

/** The writer's own measure of its ingest pause, before vs during the move, against the 2 s target; and what it waited on the move. */
export function ingestPauseRows(run: Pick<BucketMoveRun, 'times' | 'scrapes' | 'rate' | 'source'>): TableRow[] {
  const { times, scrapes } = run;
  const firstMs = scrapes[0]?.atMs ?? times.startedAtMs;
  const window = (name: string, from: number, to: number) => summarizeWindow(scrapes, name, from, to, PAUSE_TARGET_SECONDS);
  const during = window(INGEST_PAUSE, times.startedAtMs, times.endedAtMs);
  const before = window(INGEST_PAUSE, firstMs, times.startedAtMs);
  const verdict = !during ? 'UNMEASURED' : during.over === 0 ? 'MET' : 'MISSED';
  const waits = ['fence_lock', 'fenced_rewrite'].map((cause) => {
    const w = window(`${MOVE_WAIT}{cause="${cause}"}`, times.startedAtMs, times.endedAtMs);
    return `${cause} longest ${longest(w)} (${w?.count ?? 0})`;
  });
  return [
    {
      item: '9',
      what: `writer's longest ingest pause (a shard without a commit while its snapshots waited; pa_writer_ingest_pause_seconds) at ${formatNumber(run.rate, 1)} snapshots/s, target < ${PAUSE_TARGET_SECONDS} s`,
      figure: `during the move ${longest(during)}: ${verdict} (${during?.over ?? '?'} of ${during?.count ?? '?'} commits over ${PAUSE_TARGET_SECONDS} s)`,
      baseline: `before ${longest(before)} (${before?.over ?? '?'} of ${before?.count ?? '?'} over ${PAUSE_TARGET_SECONDS} s)`,
      ratio: NaN,
      note: `waits on the move during it (pa_writer_move_wait_seconds): ${waits.join(', ')}`,
    },
  ];
}

/** The table lines of item 9: the copy, the move's time, ingest and queries before vs during. */
export function bucketMoveRows(run: BucketMoveRun): TableRow[] {
  const { times, record } = run;
  const isDuring = (atMs: number) => atMs >= times.startedAtMs && atMs <= times.endedAtMs;
  const isBefore = (atMs: number) => atMs < times.startedAtMs;
  const copy = times.steps.get('dual_write');
  const copySeconds = copy?.fencedMs && copy.endMs ? (copy.endMs - copy.fencedMs) / 1000 : NaN;
  const totalSeconds = (times.endedAtMs - times.startedAtMs) / 1000;
  const toVisible = (keep: (atMs: number) => boolean) =>
    run.sightings.flatMap((s) => (s.rowsAtMs !== undefined && keep(s.snapshot.acceptedAtMs) ? [s.rowsAtMs - s.snapshot.acceptedAtMs] : []));
  const [visibleBefore, visibleDuring] = [toVisible(isBefore), toVisible(isDuring)];
  const maxBefore = Math.max(...visibleBefore);
  const maxDuring = Math.max(...visibleDuring);
  const answered = (keep: (atMs: number) => boolean) => run.probes.filter((p) => p.status === 200 && keep(p.atMs)).map((p) => p.ms);
  const [queriesBefore, queriesDuring] = [answered(isBefore), answered(isDuring)];
  const failed = run.probes.filter((p) => p.status !== 200);
  const stepList = [...times.steps].map(([step, t]) => `${step} ${formatNumber(((t.endMs ?? t.startMs) - t.startMs) / 1000, 1)} s`).join(', ');
  const notes = [
    run.load.achievedPerSecond < run.rate * 0.9 ? `the load reached only ${formatNumber(run.load.achievedPerSecond, 1)} snapshots/s: saturated` : '',
    run.unfinished ? `${run.unfinished} snapshots not rolled up within 120 s` : '',
    failed.length ? `${failed.length} of ${run.probes.length} queries failed (status ${[...new Set(failed.map((p) => p.status))].join(', ')})` : '',
  ].filter(Boolean);
  const note = notes.length ? notes.join('; ') : undefined;
  return [
    {
      item: '9',
      what: `move of ${formatNumber(run.history.machines.length)} machines, ${formatNumber(run.history.rows)} rows (buckets ${record.from}-${record.to}): rows/s copied and verified`,
      figure: `${formatNumber(record.rowsCopied / copySeconds)} rows/s`,
      baseline: `${formatNumber(record.rowsCopied)} rows in ${formatNumber(copySeconds, 1)} s, ${run.copyLimit ? `limit ${formatNumber(run.copyLimit)} rows/s` : 'no rate limit'}`,
      ratio: NaN,
    },
    { item: '9', what: `move's total time (${stepList})`, figure: `${formatNumber(totalSeconds, 1)} s`, baseline: 'grace periods 2 × 6 s included', ratio: NaN, note },
    ...ingestPauseRows(run),
    {
      item: '9',
      what: `slowest 202 → rows visible (ingest pause plus CPU contention), at ${formatNumber(run.rate, 1)} snapshots/s (half of ${run.source})`,
      figure: `during the move ${ms(maxDuring)} (p99 ${ms(percentile(visibleDuring, 99))})`,
      baseline: `before ${ms(maxBefore)} (p99 ${ms(percentile(visibleBefore, 99))})`,
      ratio: ratio(maxDuring, maxBefore),
      note: `slowest by step: ${Object.entries(slowestByStep(run)).map(([step, v]) => `${step} ${ms(v)}`).join(', ')}`,
    },
    {
      item: '9',
      what: 'queries on the moving range (series rollups and raw, fleet top, 1 h), p50 / p99',
      figure: `during ${ms(percentile(queriesDuring, 50))} / ${ms(percentile(queriesDuring, 99))} (${queriesDuring.length})`,
      baseline: `before ${ms(percentile(queriesBefore, 50))} / ${ms(percentile(queriesBefore, 99))} (${queriesBefore.length})`,
      ratio: ratio(percentile(queriesDuring, 99), percentile(queriesBefore, 99)),
    },
  ];
}
