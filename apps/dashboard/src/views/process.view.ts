import type { ProcessSeriesBody, TopAnswerBody } from '@pa/contracts';
import { api } from '../api/api-client';
import type { ViewContext } from '../state/context';
import { choice, formatRoute } from '../state/route';
import { chartStep } from '../state/time-range';
import { fill, h } from '../ui/dom';
import { METRIC_LABELS, formatMetric } from '../ui/format';
import { Panel } from '../ui/panel';
import { color, legend, timeChart } from '../ui/time-chart';
import { METRICS, ORDERS, allowPartial, enablePartial, keepRange, metricSelect, paramSelect } from './controls';
import { maxima, perSample, times } from './series-values';
import { fillSparklines } from './sparklines';
import { topTable } from './top-table';

const CHART_POINTS = 400;
const MACHINE_ROWS = 20;

/** Process name: its metric over time across the fleet (mean and maximum), and the machines that run it most. */
export function renderProcess(main: HTMLElement, ctx: ViewContext): void {
  const name = ctx.route.id as string;
  const metric = choice(ctx.route.params, 'metric', METRICS, 'cpu_pct');
  const order = choice(ctx.route.params, 'order', ORDERS, 'sum');
  const chart = new Panel(`${METRIC_LABELS[metric]} of ${name} across the fleet`, 'process-chart', enablePartial(ctx));
  const machines = new Panel(`Machines that run ${name} most`, 'process-machines', enablePartial(ctx));
  const controls = h('div', { class: 'controls' }, metricSelect(ctx), paramSelect(ctx, 'order', 'Rank machines by', ORDERS, 'sum'));
  fill(main, h('h1', {}, 'Process ', h('code', {}, name)), controls, chart.el, machines.el);
  chart.loading('the series');
  machines.loading('the machines');
  const from = new Date(ctx.window.from).toISOString();
  const to = new Date(ctx.window.to).toISOString();
  const step = chartStep(ctx.window.to - ctx.window.from, CHART_POINTS);
  const path = encodeURIComponent(name);
  api
    .get<ProcessSeriesBody>(`/v1/processes/${path}/series`, { metric, from, to, step, allow_partial: allowPartial(ctx) }, ctx.signal)
    .then((s) => {
      if (s.points.length === 0) return chart.empty(`No sample of ${name} in this window.`);
      fill(chart.body);
      timeChart(chart.body, {
        times: times(s.points),
        series: [
          { label: 'mean per process', values: perSample(s.points), color: color(0) },
          { label: 'maximum', values: maxima(s.points), color: color(1) },
        ],
        format: (v) => formatMetric(metric, v),
        mark: 'pa:process-chart',
        label: `${METRIC_LABELS[metric]} of ${name}: mean and maximum per ${step}`,
      });
      chart.body.append(legend([['mean per process', color(0)], ['maximum', color(1)]]));
      chart.body.append(h('p', { class: 'hint' }, `Per ${step} (resolution ${s.resolution}): the mean over every sample of ${name} on every machine, and the largest one.`));
      chart.ready(s.missing_shards);
    })
    .catch((error: unknown) => !ctx.signal.aborted && chart.error(error));
  api
    .get<TopAnswerBody>(`/v1/processes/${path}/machines`, { metric, order, from, to, limit: MACHINE_ROWS, allow_partial: allowPartial(ctx) }, ctx.signal)
    .then((answer) => {
      if (answer.items.length === 0) return machines.empty(`No machine ran ${name} in this window.`);
      const href = (id: string) => formatRoute({ view: 'machine', id, params: keepRange(ctx) });
      const { table, sparkCells } = topTable({ items: answer.items, metric, order, keyTitle: 'Machine', href, caption: `by ${order} of ${METRIC_LABELS[metric]} over ${name}'s samples` });
      fill(machines.body, table);
      machines.ready(answer.missing_shards);
      fillSparklines(ctx, metric, sparkCells, { processOn: name });
    })
    .catch((error: unknown) => !ctx.signal.aborted && machines.error(error));
}
