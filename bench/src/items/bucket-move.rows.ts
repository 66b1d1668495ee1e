import { MoveRecord, MoveStep } from '@pa/catalog';
import { Probe } from '../measure/query-prober';
import { RangeHistory } from '../measure/range-history';
import { SteadyLoadResult } from '../measure/steady-load';
import { Sighting } from '../measure/visibility-watcher';
import { formatNumber } from '../support/progress';
import { percentile, ratio } from '../support/stats';
import { TableRow } from './bench-context';

/** When each step of the move began (published or resumed) and ended, and when its copy began. */
export interface MoveTimes {
  startedAtMs: number;
  endedAtMs: number;
  steps: Map<MoveStep, { startMs: number; endMs?: number; fencedMs?: number }>;
}

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
      baseline: `${formatNumber(record.rowsCopied)} rows in ${formatNumber(copySeconds, 1)} s`,
      ratio: NaN,
    },
    { item: '9', what: `move's total time (${stepList})`, figure: `${formatNumber(totalSeconds, 1)} s`, baseline: 'grace periods 2 × 6 s included', ratio: NaN, note },
    {
      item: '9',
      what: `writer's longest ingest pause: the slowest 202 → rows visible, at ${formatNumber(run.rate, 1)} snapshots/s (half of ${run.source})`,
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
