import { ProcessSnapshot } from '@pa/contracts';
import { buildProcess } from '@pa/testing';

/**
 * Deterministic history for rollup tests: each machine every `stepMs` from `fromMs` (inclusive)
 * to `toMs` (exclusive), with values that vary per snapshot, pids that churn, a process name that
 * comes and goes, and now and then an empty snapshot.
 */
export function history(machines: string[], fromMs: number, toMs: number, stepMs: number): ProcessSnapshot[] {
  const snapshots: ProcessSnapshot[] = [];
  for (let ts = fromMs, k = 0; ts < toMs; ts += stepMs, k++) {
    machines.forEach((machine, m) => {
      const processes =
        (k + m) % 47 === 0
          ? []
          : Array.from({ length: 6 + ((k + m) % 3) }, (_, i) => {
              const pid = 100 + i * 10 + ((k >> 4) % 3); // a new pid every 16 snapshots
              return buildProcess(pid, {
                name: i === 5 ? 'cron-job' : `svc-${i}`,
                cpu_pct: ((k * 7 + i * 13 + m * 3) % 997) / 10,
                mem_pct: ((k * 3 + i * 5 + m) % 101) / 10,
                rss_bytes: 1_000_000 + ((k * 7919 + i * 104_729) % 50_000_000),
              });
            });
      snapshots.push({ machine_id: machine, ts: new Date(ts).toISOString(), processes });
    });
  }
  return snapshots;
}

/** NDJSON bodies of at most `perBody` snapshots. */
export function ndjsonBodies(snapshots: ProcessSnapshot[], perBody: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < snapshots.length; i += perBody) {
    bodies.push(snapshots.slice(i, i + perBody).map((s) => JSON.stringify(s)).join('\n'));
  }
  return bodies;
}
