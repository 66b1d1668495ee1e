/** Cumulative bucket counts of one Prometheus histogram (all label sets summed), by upper bound `le` (Infinity for +Inf). */
export type BucketCounts = Map<number, number>;

/** One scrape of the histograms a sampler follows. */
export interface HistogramScrape {
  atMs: number;
  /** metric name → its buckets */
  histograms: Map<string, BucketCounts>;
}

/** What a histogram saw in a window: how many observations, the bucket its longest one fell in, how many were over a bound. */
export interface WindowSummary {
  count: number;
  /** the longest observation lies in (longestAbove, longestAtMost]; both NaN when none */
  longestAbove: number;
  longestAtMost: number;
  /** observations over `overSeconds` */
  over: number;
}

const BUCKET_LINE = /^(\w+)_bucket\{([^}]*)\}\s+(\S+)/;

/**
 * The `_bucket` series of `names` in a Prometheus text page, their label sets summed per `le`
 * under the name, and per value of `splitLabel` (if given) under `name{label="value"}` too.
 */
export function parseHistograms(page: string, names: string[], splitLabel?: string): Map<string, BucketCounts> {
  const out = new Map<string, BucketCounts>(names.map((n) => [n, new Map()]));
  const add = (key: string, bound: number, value: number) => {
    const buckets = out.get(key) ?? new Map<number, number>();
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    out.set(key, buckets);
  };
  for (const line of page.split('\n')) {
    const match = BUCKET_LINE.exec(line);
    if (!match || !names.includes(match[1])) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(match[2])?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    add(match[1], bound, Number(match[3]));
    const split = splitLabel && new RegExp(`(?:^|,)${splitLabel}="([^"]*)"`).exec(match[2])?.[1];
    if (split) add(`${match[1]}{${splitLabel}="${split}"}`, bound, Number(match[3]));
  }
  return out;
}

/**
 * The observations of histogram `name` made between two scrapes (the last one at or before
 * `fromMs`, the first at or after `toMs`, so the window is covered whole), with the bucket of the
 * longest and the number over `overSeconds` (a bucket bound). Undefined without scrapes around it.
 */
export function summarizeWindow(scrapes: HistogramScrape[], name: string, fromMs: number, toMs: number, overSeconds: number): WindowSummary | undefined {
  const start = [...scrapes].reverse().find((s) => s.atMs <= fromMs);
  const end = scrapes.find((s) => s.atMs >= toMs) ?? scrapes[scrapes.length - 1];
  if (!start || !end || end.atMs <= start.atMs) return undefined;
  const before = start.histograms.get(name) ?? new Map<number, number>();
  const after = end.histograms.get(name) ?? new Map<number, number>();
  const bounds = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const count = delta(Infinity);
  let longestAbove = NaN;
  let longestAtMost = NaN;
  for (let i = 0; i < bounds.length; i++) {
    const previous = i === 0 ? 0 : delta(bounds[i - 1]);
    // Cumulative: the longest observation is in the first bucket that already holds all of them.
    if (count > 0 && delta(bounds[i]) === count && previous < count) {
      longestAbove = i === 0 ? 0 : bounds[i - 1];
      longestAtMost = bounds[i];
      break;
    }
  }
  return { count, longestAbove, longestAtMost, over: count - delta(overSeconds) };
}
