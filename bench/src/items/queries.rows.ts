import { QueryVariant, TimedAnswer } from '../measure/query-timing';
import { formatNumber } from '../support/progress';
import { percentile, ratio } from '../support/stats';
import { TableRow } from './bench-context';

/** The table lines of item 6: per endpoint and window, rollups vs raw, and cached vs rollups. */
export function queryRows(timings: Map<QueryVariant, TimedAnswer[]>, rawRows: Record<'1h' | '24h', number>): TableRow[] {
  const answers = (endpoint: string, window: string, path: string) =>
    [...timings].find(([v]) => v.endpoint === endpoint && v.window === window && v.path === path)?.[1] ?? [];
  const ms = (endpoint: string, window: string, path: string) => answers(endpoint, window, path).map((t) => t.ms);
  // The resolution each answer reports, so the table shows that "rollups" and "raw" were what ran.
  const level = (endpoint: string, window: string, path: string) => [...new Set(answers(endpoint, window, path).map((t) => t.resolution))].join('+');
  const p = (values: number[]) => (values.length ? `${formatNumber(percentile(values, 50), 1)} / ${formatNumber(percentile(values, 99), 1)} ms` : 'n/a');
  const rows: TableRow[] = [];
  for (const endpoint of ['top', 'series'] as const) {
    const path = endpoint === 'top' ? 'GET /v1/top' : 'GET /v1/machines/{id}/series';
    for (const window of ['1h', '24h'] as const) {
      const [rollups, raw, cached] = ['rollups', 'raw', 'cached'].map((v) => ms(endpoint, window, v));
      const levels = `${level(endpoint, window, 'rollups')} vs ${level(endpoint, window, 'raw')}`;
      const over = endpoint === 'top' ? `, ${formatNumber(rawRows[window])} raw rows in the window` : '';
      rows.push({ item: '6', what: `${path} ${window}: rollups vs forced raw (${levels}${over}), p50 / p99`, figure: p(rollups), baseline: `raw ${p(raw)}`, ratio: ratio(percentile(raw, 50), percentile(rollups, 50)) });
      if (endpoint === 'top') {
        rows.push({ item: '6', what: `${path} ${window}: cached (x-cache: hit), p50 / p99`, figure: p(cached), baseline: `rollups ${p(rollups)}`, ratio: ratio(percentile(rollups, 50), percentile(cached, 50)) });
      }
    }
  }
  rows.push({ item: '6', what: 'GET /v1/machines/{id}/series cached', figure: 'n/a', baseline: '', ratio: NaN, note: 'per-machine answers are not cached by design (only fleet-wide ones are)' });
  return rows;
}
