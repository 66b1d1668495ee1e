import { ProcessSample, ProcessSnapshot } from '@pa/contracts';

const MIB = 1024 * 1024;
const PAGE_BYTES = 4096;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * What the query API's insights should find in the demo fleet (issue 13), by machine index
 * (0 = sim-0001). Each takes over the last process slot of its machine, so process counts stay
 * as asked; machines beyond the fleet's size are simply not used.
 */
export const SCENARIOS = {
  /** `leaky-cache` grows 30 MiB per hour, steadily, from 120 MiB: a leak */
  leaking: [2, 7, 12],
  /** `jvm-batch`: a garbage-collected heap, 400 MiB climbing to 600 MiB every 12 minutes, then collected: not a leak */
  sawtooth: [1, 6],
  /** `report-agent` runs for STOP_AFTER_MS from the fleet's first tick, then stops for good */
  stopping: [3],
} as const;

export const LEAK_RATE_BYTES_PER_HOUR = 30 * MIB;
export const SAWTOOTH_PERIOD_MS = 12 * MINUTE_MS;
export const STOP_AFTER_MS = 30 * MINUTE_MS;

/** A deterministic wobble in [-1, 1] of an instant (no PRNG state: scenarios never shift the machines' own draws). */
function wobble(ms: number): number {
  return Math.sin(ms / 7_919) * 0.6 + Math.sin(ms / 3_571) * 0.4;
}

function pages(bytes: number): number {
  return Math.round(bytes / PAGE_BYTES) * PAGE_BYTES;
}

/** The scenario process of machine `index` at `nowMs` (first tick at `startMs`), or undefined. */
export function scenarioProcess(index: number, startMs: number, nowMs: number, slot: ProcessSample): ProcessSample | undefined {
  const elapsed = nowMs - startMs;
  const common = { pid: slot.pid, ppid: 1, username: 'app', state: 'S', threads: 8, start_time: new Date(startMs).toISOString() };
  if ((SCENARIOS.leaking as readonly number[]).includes(index)) {
    const rss = pages(120 * MIB + (LEAK_RATE_BYTES_PER_HOUR * elapsed) / HOUR_MS + wobble(nowMs) * 0.5 * MIB);
    return { ...common, name: 'leaky-cache', cmdline: '/opt/cache/bin/leaky-cache --listen :7070', cpu_pct: 2 + wobble(nowMs), mem_pct: 0, rss_bytes: rss, vms_bytes: rss * 3 };
  }
  if ((SCENARIOS.sawtooth as readonly number[]).includes(index)) {
    const phase = (elapsed % SAWTOOTH_PERIOD_MS) / SAWTOOTH_PERIOD_MS;
    const rss = pages(400 * MIB + phase * 200 * MIB + wobble(nowMs) * MIB);
    return { ...common, name: 'jvm-batch', cmdline: 'java -Xmx1g -jar /opt/batch/batch.jar', cpu_pct: 10 + 5 * wobble(nowMs), mem_pct: 0, rss_bytes: rss, vms_bytes: rss * 4 };
  }
  if ((SCENARIOS.stopping as readonly number[]).includes(index) && elapsed < STOP_AFTER_MS) {
    return { ...common, name: 'report-agent', cmdline: '/usr/local/bin/report-agent --push', cpu_pct: 0.5, mem_pct: 0, rss_bytes: pages(48 * MIB), vms_bytes: pages(200 * MIB) };
  }
  return undefined;
}

/** Puts machine `index`'s scenario process, if any, in the last slot of its snapshot. */
export function applyScenario(snapshot: ProcessSnapshot, index: number, startMs: number, nowMs: number, memTotalBytes: number): ProcessSnapshot {
  const last = snapshot.processes.length - 1;
  if (last < 0) return snapshot;
  const process = scenarioProcess(index, startMs, nowMs, snapshot.processes[last]);
  if (!process) return snapshot;
  process.mem_pct = Math.round((process.rss_bytes / memTotalBytes) * 100 * 10_000) / 10_000;
  process.cpu_pct = Math.round(process.cpu_pct * 100) / 100;
  snapshot.processes[last] = process;
  return snapshot;
}
