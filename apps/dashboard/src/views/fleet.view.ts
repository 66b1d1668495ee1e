import type { ProcessSeriesBody, TopAnswerBody, TopBy } from '@pa/contracts';
import { api } from '../api/api-client';
import type { ViewContext } from '../state/context';
import { choice, formatRoute } from '../state/route';
import { chartStep, stepMs } from '../state/time-range';
import { fill, h } from '../ui/dom';
import { METRIC_LABELS, formatCount, formatMetric } from '../ui/format';
import { Panel } from '../ui/panel';
import { color, legend, timeChart } from '../ui/time-chart';
import { METRICS, ORDERS, allowPartial, enablePartial, keepRange, metricSelect, paramSelect } from './controls';
import { renderLeakPanel, renderMissingPanel } from './insight-panels';
import { machineSearch } from './machine-search';
import { fillSparklines } from './sparklines';
import { maxima, perSample, times } from './series-values';
import { topTable } from './top-table';

/** Rows the totals are counted from (the API's /v1/top cap is 1,000 by default). */
const TOTALS_LIMIT = 1000;
const TABLE_ROWS = 10;
const CHART_LINES = 5;
/** Points of the fleet chart at most. */
const CHART_POINTS = 240;

/** Fleet: top processes and machines by a metric over the window, totals, machine search, insights. */
export function renderFleet(main: HTMLElement, ctx: ViewContext): void {
  const metric = choice(ctx.route.params, 'metric', METRICS, 'cpu_pct');
  const order = choice(ctx.route.params, 'order', ORDERS, 'sum');
  const partial = enablePartial(ctx);
  const totals = new Panel('Fleet totals', 'totals', partial);
  const chart = new Panel(`Top ${CHART_LINES} processes by ${order} ${METRIC_LABELS[metric]} over time`, 'fleet-chart', partial);
  const processes = new Panel('Top processes', 'top-processes', partial);
  const machines = new Panel('Top machines', 'top-machines', partial);
  const controls = h('div', { class: 'controls' }, metricSelect(ctx), paramSelect(ctx, 'order', 'Rank by', ORDERS, 'sum'));
  fill(main, h('h1', {}, 'Fleet'), controls, h('div', { class: 'cols' }, totals.el, machineSearch(ctx)), chart.el, h('div', { class: 'cols' }, processes.el, machines.el));
  const insights = h('div', { class: 'cols' });
  main.append(insights);
  for (const p of [totals, chart, processes, machines]) p.loading('the fleet');

  const base = { metric, order, from: new Date(ctx.window.from).toISOString(), to: new Date(ctx.window.to).toISOString(), allow_partial: allowPartial(ctx) };
  const top = (by: TopBy) => api.get<TopAnswerBody>('/v1/top', { ...base, by, limit: TOTALS_LIMIT }, ctx.signal);
  // The first chart comes first: the insight panels, the sparklines and the chart's finer version
  // wait until it is drawn, so that on a busy box they never compete with it for the shards.
  const afterChart = () => {
    if (ctx.signal.aborted) return;
    renderLeakPanel(insights, ctx);
    renderMissingPanel(insights, ctx);
  };
  Promise.all([top('process'), top('machine')])
    .then(async ([byProcess, byMachine]) => {
      if (ctx.signal.aborted) return;
      showTotals(totals, byProcess, byMachine);
      const processRows = showTop(processes, byProcess, 'Process name', (key) => formatRoute({ view: 'process', id: key, params: keepRange(ctx) }));
      const machineRows = showTop(machines, byMachine, 'Machine', (key) => formatRoute({ view: 'machine', id: key, params: keepRange(ctx) }));
      const finer = await drawChart(chart, ctx, byProcess, coarseStep(ctx));
      afterChart();
      fillSparklines(ctx, metric, processRows, 'process');
      fillSparklines(ctx, metric, machineRows, 'machine');
      if (finer) await drawChart(chart, ctx, byProcess, finer);
    })
    .catch((error: unknown) => {
      if (ctx.signal.aborted) return;
      for (const p of [totals, chart, processes, machines]) p.error(error);
      afterChart();
    });
}

/**
 * Windows of 12 h or more are drawn twice when the chart's step is not whole hours: first at 1 h
 * (1-hour rollups: 24 rows per machine and name for a day, against 1,440 of 1-minute ones), then
 * at the chart's own step.
 */
function coarseStep(ctx: ViewContext): { step: string; then?: string } {
  const windowMs = ctx.window.to - ctx.window.from;
  const step = chartStep(windowMs, CHART_POINTS);
  return windowMs >= 12 * 3_600_000 && stepMs(step) % 3_600_000 !== 0 ? { step: '1h', then: step } : { step };
}

function showTotals(panel: Panel, byProcess: TopAnswerBody, byMachine: TopAnswerBody): void {
  const capped = (n: number) => (n >= TOTALS_LIMIT ? `≥ ${formatCount(n)}` : formatCount(n));
  const samples = byProcess.items.reduce((sum, item) => sum + item.count, 0);
  const stat = (name: string, label: string, value: string, n: number) =>
    h('div', { class: 'stat' }, h('div', { class: 'stat-value', 'data-total': name, 'data-value': n }, value), h('div', { class: 'stat-label' }, label));
  fill(
    panel.body,
    h(
      'div',
      { class: 'stats' },
      stat('machines', 'machines reporting', capped(byMachine.items.length), byMachine.items.length),
      stat('processes', 'process names', capped(byProcess.items.length), byProcess.items.length),
      stat('samples', 'process samples', formatCount(samples), samples),
    ),
    h('p', { class: 'hint' }, `Window ${base(byProcess)} · resolution ${byProcess.resolution}`),
  );
  panel.ready([...new Set([...byProcess.missing_shards, ...byMachine.missing_shards])]);
}

const base = (a: TopAnswerBody) => `${a.from} – ${a.to}`;

function showTop(panel: Panel, answer: TopAnswerBody, keyTitle: string, href: (key: string) => string): Map<string, HTMLElement> {
  const items = answer.items.slice(0, TABLE_ROWS);
  if (items.length === 0) {
    panel.empty('No samples in this window.');
    return new Map();
  }
  const caption = `by ${answer.order} of ${METRIC_LABELS[answer.metric]}`;
  const { table, sparkCells } = topTable({ items, metric: answer.metric, order: answer.order, keyTitle, href, caption });
  fill(panel.body, table);
  panel.ready(answer.missing_shards);
  return sparkCells;
}

/** Draws (or redraws) the chart at `plan.step`; returns the finer plan still to draw, if any. */
async function drawChart(panel: Panel, ctx: ViewContext, byProcess: TopAnswerBody, plan: { step: string; then?: string }): Promise<{ step: string } | undefined> {
  const names = byProcess.items.slice(0, CHART_LINES).map((i) => i.key);
  if (names.length === 0) {
    panel.empty('No samples in this window.');
    return undefined;
  }
  const { metric, order, from, to } = byProcess;
  const step = plan.step;
  const series = await Promise.all(
    names.map((name) => api.get<ProcessSeriesBody>(`/v1/processes/${encodeURIComponent(name)}/series`, { metric, from, to, step, allow_partial: allowPartial(ctx) }, ctx.signal)),
  );
  if (ctx.signal.aborted) return;
  const index = (s: ProcessSeriesBody) => new Map(s.points.map((p, i) => [Date.parse(p.t), i]));
  // Align the names on the union of their buckets (a name absent from some buckets shows gaps).
  const all = [...new Set(series.flatMap((s) => times(s.points)))].sort((a, b) => a - b);
  const lines = series.map((s, i) => {
    const at = index(s);
    const values = order === 'max' ? maxima(s.points) : perSample(s.points);
    return { label: s.name, color: color(i), values: all.map((t) => (at.has(t) ? values[at.get(t) as number] : null)) };
  });
  fill(panel.body);
  timeChart(panel.body, {
    times: all,
    series: lines,
    format: (v) => formatMetric(metric, v),
    mark: 'pa:fleet-chart',
    label: `${METRIC_LABELS[metric]} of the top ${names.length} processes, ${order === 'max' ? 'maximum' : 'per process sample'}, step ${step}`,
  });
  panel.body.append(legend(lines.map((l) => [l.label, l.color])), h('p', { class: 'hint' }, `${order === 'max' ? 'Largest sample' : 'Mean per process sample'} per ${step}; click a name in the table for its own view.`));
  panel.ready([...new Set(series.flatMap((s) => s.missing_shards))]);
  return plan.then ? { step: plan.then } : undefined;
}
