import type { MachineSeriesBody, ProcessSeriesBody, QueryMetric } from '@pa/contracts';
import { api } from '../api/api-client';
import type { ViewContext } from '../state/context';
import { chartStep } from '../state/time-range';
import { fill } from '../ui/dom';
import { sparkline } from '../ui/time-chart';
import { allowPartial } from './controls';
import { perSample, perSnapshot } from './series-values';

const SPARK_POINTS = 48;

/**
 * Fills each row's sparkline from its own series (a process name fleet-wide, or one process name
 * on the row's machine, per process sample; a machine, per snapshot), after the main chart so they
 * never delay it.
 */
export function fillSparklines(ctx: ViewContext, metric: QueryMetric, cells: Map<string, HTMLElement>, kind: 'process' | 'machine' | { processOn: string }): void {
  const from = new Date(ctx.window.from).toISOString();
  const to = new Date(ctx.window.to).toISOString();
  const step = chartStep(ctx.window.to - ctx.window.from, SPARK_POINTS);
  for (const [key, cell] of cells) {
    const request =
      kind === 'machine'
        ? api.get<MachineSeriesBody>(`/v1/machines/${encodeURIComponent(key)}/series`, { metric, from, to, step }, ctx.signal).then((s) => perSnapshot(s.points))
        : kind === 'process'
          ? api.get<ProcessSeriesBody>(`/v1/processes/${encodeURIComponent(key)}/series`, { metric, from, to, step, allow_partial: allowPartial(ctx) }, ctx.signal).then((s) => perSample(s.points))
          : api.get<ProcessSeriesBody>(`/v1/processes/${encodeURIComponent(kind.processOn)}/series`, { metric, from, to, step, machine_id: key }, ctx.signal).then((s) => perSample(s.points));
    request.then(
      (values) => fill(cell, sparkline(values, `${key} over the window`)),
      () => fill(cell, '–'),
    );
  }
}
