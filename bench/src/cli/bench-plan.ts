import { BenchOptions } from './bench-options';

// Rates seen on the shared 2-core development box under load (README "Performance"); only for the up-front estimate.
const ASSUMED = {
  csvRowsPerSecond: 200_000,
  fillBytesPerSecond: 9e6,
  bytesPerProcess: 330,
  /** the three psql loads together (parent, partition, extra indexes) */
  copyRowsPerSecond: 21_000,
  insertRowsPerSecond: 12_000,
  writerRowsPerSecond: 45_000,
  historyRowsPerSecond: 12_000,
  perfBytesPerSecond: 16e6,
  loadOverheadSeconds: 6,
  queryVariants: 23,
  querySeconds: 0.02,
  /** item 9: storing the range's history, the summarizer rolling it up, copying and verifying it */
  moveRowsPerSecond: 8_000,
};

/** Seconds each item is expected to take with these options (a guide, not a promise). */
export function estimateSeconds(o: BenchOptions): Record<number, number> {
  const a = ASSUMED;
  const rows = o.fleet.machines * o.fleet.processes * o.fleet.snapshots;
  const prepare = rows / a.csvRowsPerSecond + (rows * a.bytesPerProcess) / a.fillBytesPerSecond;
  const round = rows / a.copyRowsPerSecond + rows / a.insertRowsPerSecond + rows / a.writerRowsPerSecond + 5 * a.loadOverheadSeconds;
  const historyRows = o.history.machines * o.history.processes * ((24 * 3600) / o.history.intervalSeconds);
  const dashboardRows = o.dashboard.machines * o.dashboard.processes * ((24 * 3600) / o.dashboard.intervalSeconds) + o.dashboard.processes * 7 * 1440;
  return {
    1: prepare + o.reps * round,
    4: 12 + o.reps * (2 * (o.gateway.seconds + 6) + (o.gateway.perfMegabytes * 1e6) / a.perfBytesPerSecond),
    5: o.freshness.seconds + Math.min(o.gateway.seconds, 10) + 35,
    6: 25 + historyRows / a.historyRowsPerSecond + o.queryRequests * a.queryVariants * a.querySeconds,
    8: 30 + dashboardRows / a.historyRowsPerSecond + 2 * o.dashboard.loads * 3,
    9: 40 + o.move.beforeSeconds + o.move.rows / a.moveRowsPerSecond,
    // item 10: the simulated rows through the writer, then sealed at about 10,000 rows/s
    10: 20 + (o.isQuick ? 30_000 : 600_000) * (1 / a.historyRowsPerSecond + 1 / 10_000),
    7: 10 + (rows * a.bytesPerProcess) / a.fillBytesPerSecond + o.reps * (3 * (o.gateway.seconds + 2) + 2 * (rows / a.writerRowsPerSecond + a.loadOverheadSeconds)),
    11: 15 + o.reps * 4 * (o.gateway.seconds + 2),
    // item 13: item 10's day through the writer, the maximum in place, then the seal twice over (with and without it)
    13: 40 + (o.isQuick ? 30_000 : 600_000) * (1 / a.historyRowsPerSecond + 2 / 10_000),
  };
}

/** What the run will do and about how long it takes, printed before it starts. */
export function describePlan(o: BenchOptions): string {
  const estimate = estimateSeconds(o);
  const items = [...o.items].filter((i) => i in estimate || i === 1);
  const total = 40 + items.reduce((sum, i) => sum + (estimate[i] ?? 0), 0);
  const rows = o.fleet.machines * o.fleet.processes * o.fleet.snapshots;
  const lines = [
    `bench plan (${o.isQuick ? 'quick' : 'full'}): items ${[...o.items].sort().join(', ')}, ${o.reps} interleaved round(s) of items 1–4 and 7`,
    `  items 1–3: ${o.fleet.machines} machines × ${o.fleet.processes} processes × ${o.fleet.snapshots} snapshots = ${rows.toLocaleString('en-US')} rows, loaded 8 ways per round (psql 3, INSERT, the writer from JSON with and without zstd, from v2, without TLS)`,
    `  item 4: autocannon ${o.gateway.seconds} s × ${o.gateway.connections} connections (the gateway, the same with kafkajs's JavaScript CRC32C, with zstd batches, and without TLS) vs ProducerPerformance ${o.gateway.perfMegabytes} MB`,
    `  item 5: ${o.freshness.seconds} s at half the measured maximum; item 6: 24 h of ${o.history.machines} machines × ${o.history.processes} processes every ${o.history.intervalSeconds} s, ${o.queryRequests} requests per variant`,
    `  item 7: the gateway load of item 4 and the writer drain of item 1, with tracing off and on (the gateway also at 10% sampling), ${o.reps} round(s)`,
    `  item 8: dashboard load times over 24 h of ${o.dashboard.machines} machines × ${o.dashboard.processes} processes every ${o.dashboard.intervalSeconds} s and 7 days of one machine at 1 min, ${o.dashboard.loads} loads per view`,
    `  item 9: a bucket range of ${o.move.rows.toLocaleString('en-US')} rows moved from node 0 to node 1 under half the measured maximum load, ${o.move.beforeSeconds} s of it before`,
    `  item 11: the gateway load of item 4 with command-line scrubbing off and on, fleet lines and lines with secrets, ${o.reps} round(s); the scrubber alone in ns per line`,
    `  estimated time: about ${Math.ceil(total / 60)} min (stack start included)`,
  ];
  return lines.join('\n');
}
