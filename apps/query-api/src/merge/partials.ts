/**
 * Mergeable partial aggregates as they come back from shards, and their exact combination.
 * Float metrics (cpu_pct, mem_pct) add as doubles; byte counts (rss_bytes) add as BigInt so that a
 * fleet-wide sum stays exact however large it grows.
 */
export type Exact = number | bigint;

export interface Aggregate {
  sum: Exact;
  /** process samples */
  count: number;
  /** null when there were no samples (e.g. snapshots without processes) */
  max: number | null;
}

/** Shard rows carry sums and maxima as text (exact for numeric and float8 alike). */
export interface AggregateRow {
  sum: string | null;
  count: string | number;
  max: string | null;
}

export function parseAggregate(row: AggregateRow, isInteger: boolean): Aggregate {
  const sum = row.sum ?? '0';
  return {
    sum: isInteger ? BigInt(sum) : Number(sum),
    count: Number(row.count),
    max: row.max === null ? null : Number(row.max),
  };
}

export function addExact(a: Exact, b: Exact): Exact {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  throw new TypeError('cannot add a float sum to an integer sum');
}

export function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

export function mergeAggregates(a: Aggregate, b: Aggregate): Aggregate {
  return { sum: addExact(a.sum, b.sum), count: a.count + b.count, max: maxOf(a.max, b.max) };
}

/** Combines keyed partials from several shards: equal keys merge, the others pass through. */
export function mergeKeyed<T extends Aggregate>(lists: { key: string; value: T }[][], merge: (a: T, b: T) => T): Map<string, T> {
  const merged = new Map<string, T>();
  for (const list of lists) {
    for (const { key, value } of list) {
      const seen = merged.get(key);
      merged.set(key, seen ? merge(seen, value) : value);
    }
  }
  return merged;
}

/** A JSON number for an exact sum (BigInt beyond 2^53 loses precision only there). */
export function toNumber(value: Exact): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

export type TopOrder = 'sum' | 'avg' | 'max';

export interface RankedItem {
  key: string;
  sum: number;
  count: number;
  avg: number | null;
  max: number | null;
}

/** The `limit` largest by `order` (ties: key ascending by code unit, like COLLATE "C" for ASCII). */
export function rankTop(groups: Map<string, Aggregate>, order: TopOrder, limit: number): RankedItem[] {
  const items = [...groups].filter(([, a]) => a.count > 0).map(([key, a]) => ({ key, agg: a, rank: rankValue(a, order) }));
  items.sort((x, y) => compareRank(y.rank, x.rank) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return items.slice(0, limit).map(({ key, agg }) => ({
    key,
    sum: toNumber(agg.sum),
    count: agg.count,
    avg: agg.count > 0 ? toNumber(agg.sum) / agg.count : null,
    max: agg.max,
  }));
}

function rankValue(a: Aggregate, order: TopOrder): Exact {
  if (order === 'sum') return a.sum;
  if (order === 'max') return a.max ?? -Infinity;
  return toNumber(a.sum) / a.count;
}

function compareRank(a: Exact, b: Exact): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
