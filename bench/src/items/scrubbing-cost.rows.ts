import { formatNumber } from '../support/progress';
import { median } from '../support/stats';
import { Sample, TableRow } from './bench-context';
import { medianOf, pairedRatio } from './paired';

const cpuShare = (samples: Sample[], measurement: string): number =>
  median(samples.filter((s) => s.measurement === measurement).map((s) => Number(s.detail.cpuShare)));

/** The table lines of item 11: the gateway with scrubbing on against it off, per body set, and the scrubber alone. */
export function scrubbingCostRows(samples: Sample[], summary: { cleanNs: number; secretNs: number; processes: number; secretEvery: number }): TableRow[] {
  const percent = (measurement: string) => `${formatNumber(cpuShare(samples, measurement) * 100)}%`;
  const row = (set: 'clean' | 'secrets', what: string): TableRow => ({
    item: '11',
    what,
    figure: `${formatNumber(medianOf(samples, `gateway-on-${set}`))} snapshots/s`,
    baseline: `scrubbing off ${formatNumber(medianOf(samples, `gateway-off-${set}`))} snapshots/s`,
    ratio: pairedRatio(samples, `gateway-on-${set}`, `gateway-off-${set}`),
    note: `gateway process at ${percent(`gateway-on-${set}`)} of one core scrubbing, ${percent(`gateway-off-${set}`)} not`,
  });
  const cpuRow = (set: 'clean' | 'secrets'): TableRow => ({
    item: '11',
    what: `  gateway CPU per snapshot, scrubbing on (${set === 'clean' ? 'no secret' : `1 in ${summary.secretEvery} with a secret`})`,
    figure: `${formatNumber(medianOf(samples, `gateway-cpu-on-${set}`))} µs`,
    baseline: `scrubbing off ${formatNumber(medianOf(samples, `gateway-cpu-off-${set}`))} µs`,
    ratio: pairedRatio(samples, `gateway-cpu-on-${set}`, `gateway-cpu-off-${set}`),
  });
  return [
    row('clean', `gateway POST /v1/snapshots with scrubbing on, ${summary.processes} processes per snapshot, no secret in them`),
    cpuRow('clean'),
    row('secrets', `the same with 1 process in ${summary.secretEvery} carrying --password=… (each such snapshot re-encoded)`),
    cpuRow('secrets'),
    {
      item: '11',
      what: 'the scrubber alone (default words), CPU time per command line of the bench fleet',
      figure: `${formatNumber(summary.cleanNs)} ns per line without a secret`,
      baseline: `${formatNumber(summary.secretNs)} ns per line with one`,
      ratio: summary.cleanNs / summary.secretNs,
      note: `${formatNumber(1e9 / summary.cleanNs)} clean lines/s on one core`,
    },
  ];
}
