import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';
import { formatLocal, formatUtc } from './format';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

export interface TimeChartOptions {
  /** bucket starts, epoch ms */
  times: number[];
  series: ChartSeries[];
  format: (value: number) => string;
  /** a point was chosen (click, or Enter on the focused chart): its index */
  onPick?: (index: number) => void;
  /** the Performance API mark set once the chart first drew */
  mark?: string;
  height?: number;
  /** a label for screen readers */
  label: string;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];
export const color = (i: number): string => PALETTE[i % PALETTE.length];

/**
 * A uPlot time series: axes in the viewer's time zone (uPlot's default), and a readout line that
 * shows the hovered bucket in local time and in UTC with each value in its unit. Focusable:
 * ←/→ move along the points, Enter picks one (as a click does).
 */
export function timeChart(container: HTMLElement, o: TimeChartOptions): uPlot {
  const readout = h('div', { class: 'readout', 'aria-live': 'off' }, 'Hover or use ←/→ for values');
  const plot = h('div', { class: 'plot', tabindex: 0, role: 'img', 'aria-label': o.label });
  container.append(plot, readout);
  let marked = false;
  const xs = o.times.map((t) => t / 1000);
  const opts: uPlot.Options = {
    width: Math.max(320, container.clientWidth || 800),
    height: o.height ?? 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    scales: { x: { time: true } },
    axes: [{}, { values: (_u, ticks) => ticks.map((v) => o.format(v)), size: 70 }],
    series: [{}, ...o.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, points: { show: xs.length < 80 } }))],
    hooks: {
      setCursor: [(u) => showReadout(u.cursor.idx)],
      draw: [
        () => {
          if (o.mark && !marked) {
            marked = true;
            performance.mark(o.mark);
          }
        },
      ],
    },
  };
  const u = new uPlot(opts, [xs, ...o.series.map((s) => s.values)] as uPlot.AlignedData, plot);

  function showReadout(idx: number | null | undefined): void {
    if (idx === null || idx === undefined) return;
    const t = o.times[idx];
    const values = o.series.map((s) => `${s.label}: ${s.values[idx] === null ? '–' : o.format(s.values[idx] as number)}`);
    readout.textContent = `${formatLocal(t)} (${formatUtc(t)}) · ${values.join(' · ')}`;
    readout.dataset.index = String(idx);
  }

  let selected = xs.length - 1;
  const moveTo = (idx: number) => {
    selected = Math.max(0, Math.min(xs.length - 1, idx));
    const value = o.series[0]?.values[selected];
    u.setCursor({ left: u.valToPos(xs[selected], 'x'), top: value === null || value === undefined ? 0 : u.valToPos(value, 'y') });
  };
  if (o.onPick) {
    plot.classList.add('pickable');
    u.over.addEventListener('click', () => {
      if (u.cursor.idx !== null && u.cursor.idx !== undefined) o.onPick?.(u.cursor.idx);
    });
  }
  plot.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      moveTo((u.cursor.idx ?? selected) + (event.key === 'ArrowLeft' ? -1 : 1));
      event.preventDefault();
    } else if (event.key === 'Enter' && o.onPick && xs.length) {
      o.onPick(u.cursor.idx ?? selected);
      event.preventDefault();
    }
  });
  const resize = () => u.setSize({ width: Math.max(320, container.clientWidth), height: o.height ?? 220 });
  window.addEventListener('resize', resize);
  return u;
}

/** A small inline SVG line (no axes) for table rows: cheap enough for dozens per view. */
export function sparkline(values: (number | null)[], label: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const w = 120;
  const hgt = 24;
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length < 2) return svg;
  const max = Math.max(...nums);
  const min = Math.min(...nums);
  const span = max - min || 1;
  const pts = values
    .map((v, i) => (v === null ? null : `${((i / (values.length - 1)) * w).toFixed(1)},${(hgt - 2 - ((v - min) / span) * (hgt - 4)).toFixed(1)}`))
    .filter((p) => p !== null);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.join(' '));
  svg.append(line);
  return svg;
}

/** The colour key of a chart's lines. */
export function legend(entries: [label: string, color: string][]): HTMLElement {
  return h('ul', { class: 'legend' }, ...entries.map(([label, c]) => h('li', {}, h('span', { class: 'swatch', style: `background:${c}` }), label)));
}
