import { QueryVariant, TimedAnswer } from '../measure/query-timing';
import { formatNumber } from '../support/progress';
import { percentile, ratio } from '../support/stats';
import { TableRow } from './bench-context';

/** Issue 15: a fleet-wide /v1/top over 24 h and 7 d, uncached, answers within this p50 (ms). */
export const FLEET_TOP_P50_TARGET_MS = 15;

/** The table lines of item 6: per endpoint and window, rollups vs raw, cached vs rollups, and the fleet target. */
export function queryRows(timings: Map<QueryVariant, TimedAnswer[]>, rawRows: Record<'1h' | '24h' | '7d', number>): TableRow[] {
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
  for (const window of ['24h', '7d'] as const) {
    const [fleet, perMachine] = ['rollups', 'per-machine'].map((v) => ms('top', window, v));
    const p50 = percentile(fleet, 50);
    const levels = `${level('top', window, 'rollups')} vs ${level('top', window, 'per-machine')}`;
    rows.push({
      item: '6',
      what: `GET /v1/top ${window} uncached, fleet rollups vs per-machine rollups (${levels}), p50 / p99`,
      figure: p(fleet),
      baseline: `per-machine ${p(perMachine)}`,
      ratio: ratio(percentile(perMachine, 50), p50),
      target: `p50 ≤ ${FLEET_TOP_P50_TARGET_MS} ms`,
      isMet: fleet.length > 0 && p50 <= FLEET_TOP_P50_TARGET_MS,
    });
  }
  for (const window of ['24h', '7d'] as const) {
    const [generic, custom, cached] = ['rollups', 'custom-plans', 'cached'].map((v) => ms('top', window, v));
    rows.push({
      item: '6',
      what: `GET /v1/top ${window} uncached, generic plans vs planned per request (QUERY_TOP_GENERIC_PLANS=false), p50 / p99; cached ${p(cached)}`,
      figure: p(generic),
      baseline: `per request ${p(custom)}`,
      ratio: ratio(percentile(custom, 50), percentile(generic, 50)),
    });
  }
  for (const window of ['24h', '7d'] as const) {
    const [pool, transaction] = ['rollups', 'plans-in-transaction'].map((v) => ms('top', window, v));
    rows.push({
      item: '6',
      what: `GET /v1/top ${window} uncached, generic plans from their own pool vs set in each statement's transaction (QUERY_TOP_GENERIC_PLANS_BY=transaction), p50 / p99`,
      figure: p(pool),
      baseline: `transaction ${p(transaction)}`,
      ratio: ratio(percentile(transaction, 50), percentile(pool, 50)),
    });
  }
  for (const window of ['24h', '7d'] as const) {
    const [onMinute, offMinute] = ['rollups', 'off-minute'].map((v) => ms('top', window, v));
    rows.push({
      item: '6',
      what: `GET /v1/top ${window} uncached, window 37 s off the minute (raw edges, machine by machine) vs on the minute, p50 / p99`,
      figure: p(offMinute),
      baseline: `on the minute ${p(onMinute)}`,
      ratio: ratio(percentile(onMinute, 50), percentile(offMinute, 50)),
    });
  }
  rows.push({ item: '6', what: 'GET /v1/machines/{id}/series cached', figure: 'n/a', baseline: '', ratio: NaN, note: 'per-machine answers are not cached by design (only fleet-wide ones are)' });
  return rows;
}
