import { NameRow, PresenceRow, ReportRow } from './missing.sql';

/**
 * The missing-process test, over what the shards counted.
 *
 * A name is missing on a machine when (1) it had samples in at least `minPresence` of the
 * baseline buckets in which the machine reported (a collector that was down for part of the
 * baseline lowers neither side), (2) it has no sample at all in the recent window, and (3) the
 * machine sent snapshots in at least `minRecentCoverage` of the recent window's minutes: its
 * absence was observed, not assumed. A machine with baseline snapshots and none in the recent
 * window is reported once as silent, never as every process missing. A collector restart leaves a
 * gap in the snapshots, not in the processes: when it reports again its processes are in its
 * snapshots; while it does not, it is silent or under-covered, so no name is reported missing.
 * Kernel threads named with a slash (per-CPU and workqueue workers: `kworker/3:1-events`,
 * `ksoftirqd/0`) are left out: the kernel renames and replaces them all the time, and the
 * collector's names of programs never hold one (they are base names, procfs/process-name.ts).
 */

/** A kernel thread with a slash in its name (kworker/…, ksoftirqd/…): never reported missing. */
export function isKernelWorkerName(name: string): boolean {
  return name.includes('/');
}

/** Thresholds of findMissing. */
export interface MissingRules {
  minPresence: number;
  minRecentCoverage: number;
  minBaselineBuckets: number;
  recentMinutes: number;
  /** end of bucket = start + step */
  stepMs: number;
}

export interface MissingFinding {
  missing: { machine_id: string; name: string; presence: number; last_seen_before: string }[];
  silent: { machine_id: string; last_seen: string }[];
}

export function findMissing(presence: PresenceRow[], reports: ReportRow[], recent: NameRow[], rules: MissingRules): MissingFinding {
  const byMachine = new Map(reports.map((r) => [r.machine_id, r]));
  const seen = new Set(recent.map((r) => `${r.machine_id}\u0000${r.name}`));
  const silent = reports
    .filter((r) => r.base_buckets > 0 && r.recent_minutes === 0)
    .map((r) => ({ machine_id: r.machine_id, last_seen: r.last_seen.toISOString() }));
  const missing: MissingFinding['missing'] = [];
  for (const row of presence) {
    const report = byMachine.get(row.machine_id);
    if (!report || report.base_buckets < rules.minBaselineBuckets) continue;
    if (report.recent_minutes < rules.minRecentCoverage * rules.recentMinutes) continue;
    if (isKernelWorkerName(row.name) || seen.has(`${row.machine_id}\u0000${row.name}`)) continue;
    const share = Math.min(1, row.buckets / report.base_buckets);
    if (share < rules.minPresence) continue;
    missing.push({
      machine_id: row.machine_id,
      name: row.name,
      presence: share,
      last_seen_before: new Date(row.last_bucket.getTime() + rules.stepMs).toISOString(),
    });
  }
  return { missing, silent };
}
