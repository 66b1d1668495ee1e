/*
 * The query API's answers as its clients see them (JSON bodies). Types only: the dashboard
 * (apps/dashboard) imports these and nothing else of ours, so the API and its first client cannot
 * drift apart silently. Times are RFC 3339 strings in UTC; byte counts are numbers.
 */

export type QueryMetric = 'cpu_pct' | 'mem_pct' | 'rss_bytes';
export type TopOrder = 'sum' | 'avg' | 'max';
export type TopBy = 'process' | 'machine';
export type QueryResolution = 'raw' | '1m' | '1h' | '1d';

/** Fleet-wide answers may leave out shards that are down when `allow_partial=true` was asked. */
export interface FleetAnswerBody {
  partial: boolean;
  /** indexes of the shards that did not answer */
  missing_shards: number[];
}

/** An error answer (application/problem+json, RFC 9457). */
export interface ProblemBody {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: string[];
}

export interface TopItemBody {
  key: string;
  sum: number;
  count: number;
  avg: number;
  max: number;
}

export interface TopAnswerBody extends FleetAnswerBody {
  metric: QueryMetric;
  by: TopBy;
  order: TopOrder;
  from: string;
  to: string;
  resolution: QueryResolution;
  items: TopItemBody[];
}

export interface MachineItemBody {
  machine_id: string;
  last_seen: string | null;
  processes: number | null;
  cpu_pct: number | null;
  mem_pct: number | null;
}

export interface MachineListBody extends FleetAnswerBody {
  items: MachineItemBody[];
  next_cursor: string | null;
}

/** One process of a snapshot, every stored field. */
export interface SnapshotProcessBody {
  pid: number;
  ppid: number | null;
  name: string;
  username: string | null;
  cmdline: string | null;
  cpu_pct: number;
  mem_pct: number;
  rss_bytes: number;
  vms_bytes: number | null;
  threads: number | null;
  state: string | null;
  io_read_bytes: number | null;
  io_write_bytes: number | null;
  start_time: string | null;
}

export interface SnapshotBody {
  machine_id: string;
  ts: string;
  processes: SnapshotProcessBody[];
}

export interface SeriesPointBody {
  t: string;
  sum: number;
  count: number;
  max: number | null;
  /** machine series only */
  snapshots?: number;
}

export interface SeriesBody {
  metric: QueryMetric;
  from: string;
  to: string;
  step: string;
  resolution: QueryResolution;
  points: SeriesPointBody[];
}

export interface MachineSeriesBody extends SeriesBody {
  machine_id: string;
}

export interface ProcessSeriesBody extends SeriesBody, FleetAnswerBody {
  name: string;
  machine_id: string | null;
}

export interface DailyItemBody {
  machine_id: string;
  date: string;
  samples: number;
  distinct_processes: number;
  avg_cpu_pct: number;
  avg_mem_pct: number;
  max_cpu_pct: number;
  max_mem_pct: number;
}

export interface DailyAnswerBody extends FleetAnswerBody {
  date: string;
  resolution: QueryResolution;
  items: DailyItemBody[];
  next_cursor: string | null;
}

/** A process name whose RSS grows steadily on one machine (GET /v1/insights/leaks). */
export interface LeakSuspectBody {
  machine_id: string;
  name: string;
  /** slope of the least-squares line through the bucket means, bytes per hour */
  growth_bytes_per_hour: number;
  /** coefficient of determination of that line, 0..1 */
  r2: number;
  /** the line's value at the first and the last bucket, bytes */
  rss_start: number;
  rss_end: number;
  /** largest fall of the bucket mean below its running peak, bytes */
  max_drawdown_bytes: number;
  /** buckets with samples, of `buckets` in the window */
  points: number;
}

export interface LeaksAnswerBody extends FleetAnswerBody {
  from: string;
  to: string;
  step: string;
  /** buckets the window holds at `step` */
  buckets: number;
  thresholds: { min_r2: number; min_growth_bytes_per_hour: number; max_drawdown_ratio: number; min_coverage: number };
  suspects: LeakSuspectBody[];
}

/** A process name that ran most of the baseline and is absent now while its machine reports. */
export interface MissingProcessBody {
  machine_id: string;
  name: string;
  /** share of the machine's reporting baseline buckets in which the name ran, 0..1 */
  presence: number;
  /** end of the last baseline bucket in which the name ran (it was last seen before this instant) */
  last_seen_before: string;
}

export interface SilentMachineBody {
  machine_id: string;
  /** its last snapshot in the baseline window */
  last_seen: string;
}

export interface MissingAnswerBody extends FleetAnswerBody {
  at: string;
  baseline_from: string;
  recent_from: string;
  step: string;
  thresholds: { min_presence: number; min_recent_coverage: number };
  missing: MissingProcessBody[];
  silent_machines: SilentMachineBody[];
}
