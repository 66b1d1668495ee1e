import type { QueryMetric, TopItemBody, TopOrder } from '@pa/contracts';
import { h } from '../ui/dom';
import { formatCount, formatMetric } from '../ui/format';

export interface TopTableOptions {
  items: TopItemBody[];
  metric: QueryMetric;
  order: TopOrder;
  /** what the key is: its column title and where a click leads */
  keyTitle: string;
  href: (key: string) => string;
  caption: string;
}

/** A ranked table (sum, avg, max, samples) with an empty sparkline cell per row, filled later. */
export function topTable(o: TopTableOptions): { table: HTMLTableElement; sparkCells: Map<string, HTMLElement> } {
  const sparkCells = new Map<string, HTMLElement>();
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, '#'),
    h('th', { scope: 'col' }, o.keyTitle),
    ...(['sum', 'avg', 'max'] as const).map((c) => h('th', { scope: 'col', class: c === o.order ? 'num sorted' : 'num', 'aria-sort': c === o.order ? 'descending' : undefined }, c)),
    h('th', { scope: 'col', class: 'num' }, 'samples'),
    h('th', { scope: 'col' }, 'trend'),
  );
  const rows = o.items.map((item, i) => {
    const spark = h('td', { class: 'spark-cell' });
    sparkCells.set(item.key, spark);
    return h(
      'tr',
      { 'data-key': item.key },
      h('td', { class: 'num' }, i + 1),
      h('td', {}, h('a', { href: o.href(item.key) }, item.key)),
      // data-value: the number as the API gave it, for tests and for copying.
      h('td', { class: 'num', 'data-col': 'sum', 'data-value': item.sum }, formatMetric(o.metric, item.sum)),
      h('td', { class: 'num', 'data-col': 'avg', 'data-value': item.avg }, formatMetric(o.metric, item.avg)),
      h('td', { class: 'num', 'data-col': 'max', 'data-value': item.max }, formatMetric(o.metric, item.max)),
      h('td', { class: 'num', 'data-col': 'count', 'data-value': item.count }, formatCount(item.count)),
      spark,
    );
  });
  const table = h('table', { class: 'grid' }, h('caption', {}, o.caption), h('thead', {}, head), h('tbody', {}, ...rows));
  return { table, sparkCells };
}
