import { formatNumber } from '../support/progress';
import { median } from '../support/stats';
import { Sample, TableRow } from './bench-context';
import { medianOf, pairedRatio } from './paired';

const cpuShare = (samples: Sample[], measurement: string): number =>
  median(samples.filter((s) => s.measurement === measurement).map((s) => Number(s.detail.cpuShare ?? Number(s.detail.drainCpuSeconds) / Number(s.detail.seconds))));

/** The table lines of item 7: each part with tracing on against the same part with it off. */
export function tracingCostRows(samples: Sample[], summary: { spanRequests: number; spanMegabytes: number; processes: number }): TableRow[] {
  const percent = (measurement: string) => `${formatNumber(cpuShare(samples, measurement) * 100)}%`;
  return [
    {
      item: '7',
      what: `gateway POST /v1/snapshots with tracing on (every request sampled, Zipkin JSON export), ${summary.processes} processes per snapshot`,
      figure: `${formatNumber(medianOf(samples, 'gateway-on'))} snapshots/s`,
      baseline: `tracing off ${formatNumber(medianOf(samples, 'gateway-off'))} snapshots/s`,
      ratio: pairedRatio(samples, 'gateway-on', 'gateway-off'),
      note: `gateway process at ${percent('gateway-on')} of one core with tracing on, ${percent('gateway-off')} off`,
    },
    {
      item: '7',
      what: 'gateway, the same with 1 request in 10 traced (OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG=0.1)',
      figure: `${formatNumber(medianOf(samples, 'gateway-sampled-10pct'))} snapshots/s`,
      baseline: `tracing off ${formatNumber(medianOf(samples, 'gateway-off'))} snapshots/s`,
      ratio: pairedRatio(samples, 'gateway-sampled-10pct', 'gateway-off'),
      note: `gateway process at ${percent('gateway-sampled-10pct')} of one core`,
    },
    {
      item: '7',
      what: 'writer draining a topic with tracing on (every record with a sampled traceparent)',
      figure: `${formatNumber(medianOf(samples, 'writer-on'))} rows/s`,
      baseline: `tracing off ${formatNumber(medianOf(samples, 'writer-off'))} rows/s`,
      ratio: pairedRatio(samples, 'writer-on', 'writer-off'),
      note: `writer at ${percent('writer-on')} of one core with tracing on, ${percent('writer-off')} off; ${formatNumber(summary.spanRequests)} export requests, ${formatNumber(summary.spanMegabytes, 1)} MB of spans in all`,
    },
  ];
}
