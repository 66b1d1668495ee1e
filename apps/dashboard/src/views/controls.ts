import type { QueryMetric, TopOrder } from '@pa/contracts';
import { choice } from '../state/route';
import type { ViewContext } from '../state/context';
import { h } from '../ui/dom';
import { METRIC_LABELS } from '../ui/format';

export const METRICS: readonly QueryMetric[] = ['cpu_pct', 'mem_pct', 'rss_bytes'];
export const ORDERS: readonly TopOrder[] = ['sum', 'avg', 'max'];

/** A labelled select bound to one URL parameter. */
export function paramSelect(ctx: ViewContext, name: string, label: string, values: readonly string[], fallback: string, labels: Record<string, string> = {}): HTMLElement {
  const current = choice(ctx.route.params, name, values, fallback);
  const select = h('select', { id: `ctl-${name}`, onchange: () => ctx.setParams((p) => p.set(name, select.value)) });
  for (const value of values) {
    const option = h('option', { value }, labels[value] ?? value);
    if (value === current) option.selected = true;
    select.append(option);
  }
  return h('label', { class: 'control' }, `${label} `, select);
}

export function metricSelect(ctx: ViewContext): HTMLElement {
  return paramSelect(ctx, 'metric', 'Metric', METRICS, 'cpu_pct', METRIC_LABELS);
}

/** `allow_partial` as the URL says it (`partial=1`), for fleet-wide requests. */
export function allowPartial(ctx: ViewContext): boolean | undefined {
  return ctx.route.params.get('partial') === '1' ? true : undefined;
}

export function enablePartial(ctx: ViewContext): () => void {
  return () => ctx.setParams((p) => p.set('partial', '1'));
}

/** The window params of the current URL, for links to other views. */
export function keepRange(ctx: ViewContext): URLSearchParams {
  const keep = new URLSearchParams();
  for (const name of ['range', 'from', 'to', 'live', 'metric']) {
    const value = ctx.route.params.get(name);
    if (value !== null) keep.set(name, value);
  }
  return keep;
}
