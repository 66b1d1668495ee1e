import { Sighting } from '../measure/visibility-watcher';
import { SteadyLoadResult } from '../measure/steady-load';
import { formatNumber } from '../support/progress';
import { percentile } from '../support/stats';
import { TableRow } from './bench-context';

const p50p99 = (values: number[]) => `${formatNumber(percentile(values, 50))} / ${formatNumber(percentile(values, 99))} ms`;

/** The table lines of item 5. */
export function freshnessRows(sightings: Sighting[], load: SteadyLoadResult, run: { rate: number; source: string; unfinished: number }): TableRow[] {
  // An open-loop load that could not be sent at its rate means the pipeline was saturated: say so.
  const isBehind = load.achievedPerSecond < run.rate * 0.9;
  const toRows = sightings.flatMap((s) => (s.rowsAtMs === undefined ? [] : [s.rowsAtMs - s.snapshot.acceptedAtMs]));
  const toRollup = sightings.flatMap((s) => (s.rollupAtMs === undefined ? [] : [s.rollupAtMs - s.snapshot.acceptedAtMs]));
  const notes = [
    isBehind ? `only ${formatNumber(load.achievedPerSecond, 1)} snapshots/s were accepted: the pipeline was saturated, latencies include queueing` : '',
    run.unfinished ? `${run.unfinished} of ${sightings.length} snapshots not rolled up within 120 s after the load` : '',
  ].filter(Boolean);
  const note = notes.length ? notes.join('; ') : undefined;
  const at = `at ${formatNumber(run.rate, 1)} snapshots/s (half of ${run.source})`;
  return [
    { item: '5', what: `202 → rows visible in PostgreSQL, p50 / p99, ${at}`, figure: p50p99(toRows), baseline: `202 itself ${p50p99(load.latenciesMs)}`, ratio: NaN, note },
    { item: '5', what: '202 → its 1-minute rollup current, p50 / p99 (summarizer polling every 500 ms)', figure: p50p99(toRollup), baseline: `rows visible ${p50p99(toRows)}`, ratio: percentile(toRollup, 50) / percentile(toRows, 50) },
  ];
}
