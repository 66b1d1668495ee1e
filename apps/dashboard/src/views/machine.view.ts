import type { DailyAnswerBody, MachineSeriesBody, SnapshotBody, SnapshotProcessBody } from '@pa/contracts';
import { api } from '../api/api-client';
import type { ViewContext } from '../state/context';
import { choice } from '../state/route';
import { chartStep, stepMs } from '../state/time-range';
import { fill, h } from '../ui/dom';
import { formatBytes, formatCount, formatLocal, formatPct, formatUtc } from '../ui/format';
import { Panel } from '../ui/panel';
import { color, timeChart } from '../ui/time-chart';
import { SORT_KEYS, processTable, selectProcesses } from './process-table';
import { perSnapshot, times } from './series-values';

const CHART_POINTS = 600;
const MAX_DAYS = 7;
const DAY_MS = 86_400_000;

/** Machine: total CPU and RSS over time, the snapshot at a clicked instant, its daily summaries. */
export function renderMachine(main: HTMLElement, ctx: ViewContext): void {
  const id = ctx.route.id as string;
  const charts = new Panel('CPU and memory in use over time', 'machine-chart');
  const snapshot = new Panel('Processes', 'snapshot');
  const daily = new Panel('Daily summaries (UTC days)', 'daily');
  fill(main, h('h1', {}, 'Machine ', h('code', {}, id)), charts.el, snapshot.el, daily.el);
  charts.loading('the series');
  const step = ctx.route.params.get('step') ?? chartStep(ctx.window.to - ctx.window.from, CHART_POINTS);
  const range = { from: new Date(ctx.window.from).toISOString(), to: new Date(ctx.window.to).toISOString(), step };
  const series = (metric: string) => api.get<MachineSeriesBody>(`/v1/machines/${encodeURIComponent(id)}/series`, { ...range, metric }, ctx.signal);
  // The table and the summaries wait for the charts: on a busy box they would compete with them.
  const rest = () => {
    if (ctx.signal.aborted) return;
    renderSnapshot(snapshot, ctx, id);
    renderDaily(daily, ctx, id);
  };
  snapshot.loading('the snapshot (after the charts)');
  daily.loading('daily summaries (after the charts)');
  Promise.all([series('cpu_pct'), series('rss_bytes')])
    .then(([cpu, rss]) => drawCharts(charts, ctx, cpu, rss))
    .catch((error: unknown) => !ctx.signal.aborted && charts.error(error))
    .finally(rest);
}

function drawCharts(panel: Panel, ctx: ViewContext, cpu: MachineSeriesBody, rss: MachineSeriesBody): void {
  if (ctx.signal.aborted) return;
  if (cpu.points.length === 0) return panel.empty('The machine sent no snapshot in this window.');
  const xs = times(cpu.points);
  const width = stepMs(cpu.step);
  // A point stands for its bucket: open the bucket's last snapshot (at or before its end).
  const onPick = (i: number) => ctx.setParams((p) => p.set('at', new Date(Math.min(ctx.window.to, xs[i] + width) - 1).toISOString()));
  fill(panel.body);
  const cpuBox = h('div', { class: 'chart', id: 'cpu-chart' });
  const rssBox = h('div', { class: 'chart', id: 'rss-chart' });
  panel.body.append(h('h3', {}, 'CPU (100 % = one core), total per snapshot'), cpuBox, h('h3', {}, 'Resident memory (RSS), total per snapshot'), rssBox);
  timeChart(cpuBox, { times: xs, series: [{ label: 'CPU', values: perSnapshot(cpu.points), color: color(0) }], format: formatPct, onPick, mark: 'pa:machine-chart', label: 'Total CPU over time' });
  timeChart(rssBox, { times: times(rss.points), series: [{ label: 'RSS', values: perSnapshot(rss.points), color: color(1) }], format: formatBytes, onPick, label: 'Total RSS over time' });
  panel.body.append(h('p', { class: 'hint' }, `${formatCount(xs.length)} points of ${cpu.step} (resolution ${cpu.resolution}). Click a point, or focus a chart and use ←/→ and Enter, to open the snapshot of that time.`));
  panel.ready();
}

function renderSnapshot(panel: Panel, ctx: ViewContext, id: string): void {
  const at = ctx.route.params.get('at') ?? undefined;
  panel.loading(at ? `the snapshot at ${at}` : 'the latest snapshot');
  api
    .get<SnapshotBody>(`/v1/machines/${encodeURIComponent(id)}/snapshot`, { at }, ctx.signal)
    .then((snap) => {
      const params = ctx.route.params;
      const sort = choice(params, 'sort', SORT_KEYS, 'cpu_pct');
      const descending = params.get('dir') !== 'asc';
      const filter = params.get('q') ?? '';
      const rows = selectProcesses(snap.processes, filter, sort, descending);
      const input = h('input', { type: 'search', id: 'process-filter', placeholder: 'filter by name, user or command line', value: filter });
      input.addEventListener('change', () => ctx.setParams((p) => (input.value ? p.set('q', input.value) : p.delete('q')), { replace: true }));
      const onSort = (key: keyof SnapshotProcessBody) =>
        ctx.setParams((p) => {
          p.set('dir', key === sort && descending ? 'asc' : 'desc');
          p.set('sort', key);
        }, { replace: true });
      const ts = Date.parse(snap.ts);
      panel.setTitle(`Processes at ${formatLocal(ts)}`);
      fill(
        panel.body,
        h('p', { class: 'snapshot-at', 'data-ts': snap.ts }, `Snapshot of ${formatUtc(ts)}${at ? ` (the last at or before ${formatUtc(Date.parse(at))})` : ' (the latest)'} · ${formatCount(rows.length)} of ${formatCount(snap.processes.length)} processes`),
        h('label', { class: 'control' }, 'Filter ', input),
        h('div', { class: 'scroll' }, processTable(rows, sort, descending, onSort)),
      );
      panel.ready();
    })
    .catch((error: unknown) => !ctx.signal.aborted && panel.error(error));
}

function renderDaily(panel: Panel, ctx: ViewContext, id: string): void {
  panel.loading('daily summaries');
  const last = Math.floor((ctx.window.to - 1) / DAY_MS) * DAY_MS;
  const first = Math.max(Math.floor(ctx.window.from / DAY_MS) * DAY_MS, last - (MAX_DAYS - 1) * DAY_MS);
  const days: string[] = [];
  for (let d = last; d >= first; d -= DAY_MS) days.push(new Date(d).toISOString().slice(0, 10));
  Promise.all(days.map((date) => api.get<DailyAnswerBody>('/v1/summary/daily', { date, machine_id: id }, ctx.signal)))
    .then((answers) => {
      const items = answers.flatMap((a) => a.items);
      if (items.length === 0) return panel.empty('No daily summary for these days.');
      const head = h('tr', {}, ...['UTC day', 'Samples', 'Process names', 'Avg CPU', 'Max CPU', 'Avg mem', 'Max mem'].map((c) => h('th', { scope: 'col' }, c)));
      const rows = items.map((d) =>
        h(
          'tr',
          { 'data-date': d.date },
          h('td', {}, d.date),
          h('td', { class: 'num', 'data-col': 'samples', 'data-value': d.samples }, formatCount(d.samples)),
          h('td', { class: 'num' }, formatCount(d.distinct_processes)),
          h('td', { class: 'num' }, formatPct(d.avg_cpu_pct)),
          h('td', { class: 'num' }, formatPct(d.max_cpu_pct)),
          h('td', { class: 'num' }, formatPct(d.avg_mem_pct)),
          h('td', { class: 'num' }, formatPct(d.max_mem_pct)),
        ),
      );
      fill(panel.body, h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, ...rows)));
      panel.ready();
    })
    .catch((error: unknown) => !ctx.signal.aborted && panel.error(error));
}
