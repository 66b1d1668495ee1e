/** The metrics a series or a top-N can aggregate. */
export const METRICS = ['cpu_pct', 'mem_pct', 'rss_bytes'] as const;
export type Metric = (typeof METRICS)[number];

/** Where a metric lives in raw rows and rollups, and the SQL types of its partials. */
export interface MetricColumns {
  /** column of process_samples */
  raw: string;
  /** rollup columns of the sum and the maximum over process samples */
  rollupSum: string;
  rollupMax: string;
  /** type of sums: floats add as float8; byte counts add exactly as numeric */
  sumType: 'float8' | 'numeric';
  maxType: 'float8' | 'bigint';
}

// The only place metric names become SQL identifiers: a fixed table, looked up by a validated name.
export const METRIC_COLUMNS: Record<Metric, MetricColumns> = {
  cpu_pct: { raw: 'cpu_pct', rollupSum: 'cpu_sum', rollupMax: 'cpu_max', sumType: 'float8', maxType: 'float8' },
  mem_pct: { raw: 'mem_pct', rollupSum: 'mem_sum', rollupMax: 'mem_max', sumType: 'float8', maxType: 'float8' },
  rss_bytes: { raw: 'rss_bytes', rollupSum: 'rss_sum', rollupMax: 'rss_max', sumType: 'numeric', maxType: 'bigint' },
};
