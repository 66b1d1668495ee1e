import { parseArgs } from 'node:util';

export interface BenchOptions {
  isQuick: boolean;
  /** items to run (1–13) */
  items: Set<number>;
  /** interleaved repetitions of items 1–4, 7 and 11; figures are medians over them */
  reps: number;
  /** items 1–3: the generated fleet loaded by every loader */
  fleet: { machines: number; processes: number; snapshots: number };
  /** rows per INSERT statement in item 2 */
  insertBatchRows: number;
  /** item 4: HTTP load and the broker's own producer */
  gateway: { seconds: number; connections: number; perfMegabytes: number };
  /** item 5: steady load for this long, at half the measured maximum */
  freshness: { seconds: number; machines: number };
  /** item 6: history back-filled over the last 24 h, then queried */
  history: { machines: number; processes: number; intervalSeconds: number };
  queryRequests: number;
  /** item 8: the dashboard's load times over 24 h of this fleet (plus one machine with 7 days at 1 minute) */
  dashboard: { machines: number; processes: number; intervalSeconds: number; loads: number };
  /** item 9: a bucket range of node 0 holding this many rows moved to node 1, after this long of load; the copy's rate limit (rows/s, 0 = none) */
  move: { rows: number; beforeSeconds: number; copyRowsPerSecond: number };
  /** print the plan and its estimated time, then exit (infra/bench.sh calls this before starting the stack) */
  isPlanOnly: boolean;
}

export const USAGE = `Usage: npm run bench [-- --quick] [-- options]
  --quick                 a small version of everything (< 3 min)
  --only 1,4              run only these items (1–13)
  --reps N                interleaved repetitions of items 1–4, 7 and 11 (full 3, quick 1)
  --machines N --processes N --snapshots N
                          fleet loaded in items 1–3 (full 1000 × 200 × 10 = 2,000,000 rows)
  --gateway-seconds S --connections N --perf-mb MB
                          item 4: autocannon duration and connections; MB sent by ProducerPerformance
  --freshness-seconds S   item 5: length of the steady load
  --history-machines N --history-processes N --history-interval S
                          item 6: 24 h of history every S seconds
  --query-requests N      item 6: requests per query variant
  --dashboard-machines N --dashboard-processes N --dashboard-interval S --dashboard-loads N
                          item 8: 24 h of this fleet every S seconds (full: the demo fleet's 50 × 100,
                          every 60 s), plus one machine with 7 days at 1 minute; N page loads per view
  --move-rows N --move-before-seconds S
                          item 9: rows in the moved bucket range (full 1,000,000), seconds of load before the move
  --move-rate N           item 9: the move's copy limited to N rows/s (MOVE_COPY_ROWS_PER_SECOND; default unlimited)
  item 7 (tracing on vs off) reuses the sizes of items 1 and 4; item 11 (scrubbing on vs off) those of item 4
  item 10 (storage: heap vs compressed day): 600,000 simulated rows (quick 30,000)
  item 13 (sealing under ingest): item 10's day sealed while the pipeline takes half its maximum`;

const FULL = { reps: 3, machines: 1000, processes: 200, snapshots: 10, gatewaySeconds: 15, connections: 16, perfMb: 200, freshnessSeconds: 30, historyMachines: 20, historyProcesses: 50, historyInterval: 120, queryRequests: 40, dashboardMachines: 50, dashboardProcesses: 100, dashboardInterval: 60, dashboardLoads: 5, moveRows: 1_000_000, moveBefore: 20 };
const QUICK = { reps: 1, machines: 150, processes: 50, snapshots: 8, gatewaySeconds: 4, connections: 8, perfMb: 30, freshnessSeconds: 8, historyMachines: 5, historyProcesses: 20, historyInterval: 600, queryRequests: 8, dashboardMachines: 5, dashboardProcesses: 20, dashboardInterval: 600, dashboardLoads: 2, moveRows: 100_000, moveBefore: 5 };

const FLAGS = ['reps', 'machines', 'processes', 'snapshots', 'gateway-seconds', 'connections', 'perf-mb', 'freshness-seconds', 'history-machines', 'history-processes', 'history-interval', 'query-requests', 'dashboard-machines', 'dashboard-processes', 'dashboard-interval', 'dashboard-loads', 'move-rows', 'move-before-seconds', 'move-rate', 'only'] as const;

/** Parses the command line; throws an Error with the usage on a bad flag. */
export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  const options = Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }]));
  const parsed = parseArgs({ args: argv, options: { ...options, quick: { type: 'boolean' }, plan: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return 'help';
  const base = values.quick === true ? QUICK : FULL;
  const int = (flag: (typeof FLAGS)[number], fallback: number, max = 1_000_000): number => {
    const text = values[flag] as string | undefined;
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${flag} must be a whole number from 1 to ${max}, got "${text}"\n\n${USAGE}`);
    return n;
  };
  return {
    isQuick: values.quick === true,
    items: readItems(values.only as string | undefined),
    reps: int('reps', base.reps, 20),
    fleet: { machines: int('machines', base.machines), processes: int('processes', base.processes, 10_000), snapshots: int('snapshots', base.snapshots, 10_000) },
    insertBatchRows: 1000,
    gateway: { seconds: int('gateway-seconds', base.gatewaySeconds, 600), connections: int('connections', base.connections, 1000), perfMegabytes: int('perf-mb', base.perfMb, 100_000) },
    freshness: { seconds: int('freshness-seconds', base.freshnessSeconds, 3600), machines: 200 },
    history: { machines: int('history-machines', base.historyMachines, 10_000), processes: int('history-processes', base.historyProcesses, 10_000), intervalSeconds: int('history-interval', base.historyInterval, 3600) },
    queryRequests: int('query-requests', base.queryRequests, 10_000),
    dashboard: {
      machines: int('dashboard-machines', base.dashboardMachines, 10_000),
      processes: int('dashboard-processes', base.dashboardProcesses, 10_000),
      intervalSeconds: int('dashboard-interval', base.dashboardInterval, 3600),
      loads: int('dashboard-loads', base.dashboardLoads, 100),
    },
    move: { rows: int('move-rows', base.moveRows, 100_000_000), beforeSeconds: int('move-before-seconds', base.moveBefore, 3600), copyRowsPerSecond: int('move-rate', 0, 100_000_000) },
    isPlanOnly: values.plan === true,
  };
}

function readItems(text: string | undefined): Set<number> {
  if (text === undefined) return new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  const items = text.split(',').map((s) => Number(s.trim()));
  if (items.some((i) => !Number.isInteger(i) || i < 1 || i > 13)) throw new Error(`--only takes item numbers 1–13, e.g. --only 1,4; got "${text}"\n\n${USAGE}`);
  // Items 2 and 3 are loads of the same interleaved rounds as item 1.
  return new Set(items.flatMap((i) => (i === 2 || i === 3 ? [1, i] : [i])));
}
