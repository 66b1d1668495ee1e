import { PRESETS, type RangeChoice, type TimeRange } from './time-range';

/**
 * The dashboard's one URL scheme (in the hash, so the API serves one page for every view):
 *   #/fleet?range=24h&metric=rss_bytes&order=max&live=1
 *   #/machine/<id>?range=custom&from=<RFC 3339>&to=<RFC 3339>&at=<RFC 3339>&sort=cpu_pct&dir=desc&q=<filter>
 *   #/process/<name>?range=6h&metric=cpu_pct
 * Every control writes its state here and every view reads it from here, so a copied link opens
 * the same view, window and selection.
 */
export type View = 'fleet' | 'machine' | 'process';

export interface Route {
  view: View;
  /** machine id or process name */
  id?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?', 2);
  const [, view, ...rest] = path.split('/');
  const params = new URLSearchParams(query);
  const id = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  if ((view === 'machine' || view === 'process') && id) return { view, id, params };
  return { view: 'fleet', params };
}

export function formatRoute(route: Route): string {
  const path = route.view === 'fleet' || !route.id ? `#/${route.view}` : `#/${route.view}/${encodeURIComponent(route.id)}`;
  const query = route.params.toString();
  return query ? `${path}?${query}` : path;
}

export function readTimeRange(params: URLSearchParams): TimeRange {
  const range = params.get('range');
  const choice: RangeChoice = range === 'custom' || (PRESETS as readonly string[]).includes(range ?? '') ? (range as RangeChoice) : '1h';
  const from = instant(params.get('from'));
  const to = instant(params.get('to'));
  if (choice === 'custom' && from !== undefined && to !== undefined && from < to) return { range: 'custom', from, to, live: false };
  return { range: choice === 'custom' ? '1h' : choice, live: params.get('live') === '1' };
}

export function writeTimeRange(params: URLSearchParams, r: TimeRange): void {
  params.set('range', r.range);
  for (const name of ['from', 'to', 'live']) params.delete(name);
  if (r.range === 'custom' && r.from !== undefined && r.to !== undefined) {
    params.set('from', new Date(r.from).toISOString());
    params.set('to', new Date(r.to).toISOString());
  } else if (r.live) params.set('live', '1');
}

function instant(text: string | null): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A choice from the URL, or the fallback when it is absent or not one of `values`. */
export function choice<T extends string>(params: URLSearchParams, name: string, values: readonly T[], fallback: T): T {
  const value = params.get(name);
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback;
}
