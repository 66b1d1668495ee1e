import { ProcessSample, ProcessSnapshot } from '@pa/contracts';
import { buildProcess } from '@pa/testing';

const MIB = 1024 * 1024;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A snapshot every 30 s. */
export const INSIGHT_STEP_MS = 30_000;
/** The history spans [T - 3 h, T). */
export const INSIGHT_SPAN_MS = 3 * HOUR;

/** A deterministic wobble in [-1, 1] (the truth must not depend on chance). */
const wobble = (ms: number, k: number) => Math.sin(ms / 7_919 + k) * 0.6 + Math.sin(ms / 3_571 + 2 * k) * 0.4;

/**
 * A small fleet with a known truth for the insights (issue 13), ending at `T` (exclusive):
 *   leak-a  `<leaker>` +20 MiB/h; `steady` flat with noise; `gc` a sawtooth heap (10-minute teeth of
 *           100 MiB); `restarted` grows 40 MiB/h but restarts with a fresh heap 30 min before T;
 *           `slow` grows 0.3 MiB/h (below the threshold)
 *   leak-b  `<leaker>` +5 MiB/h on a 2 GiB heap; `gc` a sawtooth of 89-minute teeth of 150 MiB, one
 *           collected 2 minutes before T: over the last hour it climbs 58 minutes (slope 72 MiB/h,
 *           R² 0.4), and only its drawdown tells it from a leak
 *   stop    `stopper` ran until T - 12 min, then stopped; `cron` ran every other 5 minutes
 *   silent  sent its last snapshot at T - 15 min (all its processes stop with it)
 *   restart its collector was down from T - 25 min to T - 8 min (restarted), everything back
 *   back    its collector was down from T - 40 min to T - 2 min: back too briefly to judge
 * So, over [T - 1 h, T): leaks exactly (leak-a, <leaker>) and (leak-b, <leaker>); with a 10-minute
 * recent window and a 1-hour baseline at T: missing exactly (stop, stopper), silent exactly `silent`.
 */
export function insightFleet(prefix: string, leaker: string, T: number): { snapshots: ProcessSnapshot[]; machines: Record<string, string> } {
  const id = (name: string) => `${prefix}-${name}`;
  const machines = { leakA: id('leak-a'), leakB: id('leak-b'), stop: id('stop'), silent: id('silent'), restart: id('restart'), back: id('back') };
  const snapshots: ProcessSnapshot[] = [];
  const from = T - INSIGHT_SPAN_MS;
  for (let ts = from; ts < T; ts += INSIGHT_STEP_MS) {
    const age = ts - from;
    const p = (pid: number, name: string, rss: number, cpu = 1 + wobble(ts, pid)): ProcessSample =>
      buildProcess(pid, { name, rss_bytes: Math.round(rss / 4096) * 4096, cpu_pct: Math.round(Math.max(0, cpu) * 100) / 100, cmdline: `/usr/bin/${name} --serve` });
    const common = [p(1, 'systemd', 12 * MIB), p(2, 'sshd', 8 * MIB + wobble(ts, 2) * 0.2 * MIB)];
    const push = (machine: string, processes: ProcessSample[]) => snapshots.push({ machine_id: machine, ts: new Date(ts).toISOString(), processes: [...common, ...processes] });
    const restartedAge = ts < T - 30 * MINUTE ? age : ts - (T - 30 * MINUTE);
    push(machines.leakA, [
      p(100, leaker, 300 * MIB + (20 * MIB * age) / HOUR + wobble(ts, 1) * 0.5 * MIB, 5),
      p(101, 'steady', 500 * MIB + wobble(ts, 3) * 8 * MIB),
      p(102, 'gc', 200 * MIB + ((age % (10 * MINUTE)) / (10 * MINUTE)) * 100 * MIB),
      p(ts < T - 30 * MINUTE ? 103 : 113, 'restarted', 100 * MIB + (40 * MIB * restartedAge) / HOUR),
      p(104, 'slow', 50 * MIB + (0.3 * MIB * age) / HOUR + wobble(ts, 4) * 0.01 * MIB),
    ]);
    push(machines.leakB, [
      p(200, leaker, 2048 * MIB + (5 * MIB * age) / HOUR + wobble(ts, 5) * 0.2 * MIB, 3),
      p(201, 'gc', 300 * MIB + ((age % (89 * MINUTE)) / (89 * MINUTE)) * 150 * MIB),
    ]);
    const minute = Math.floor(age / (5 * MINUTE));
    push(machines.stop, [...(ts < T - 12 * MINUTE ? [p(300, 'stopper', 64 * MIB)] : []), ...(minute % 2 === 0 ? [p(301, 'cron', 16 * MIB)] : [])]);
    if (ts < T - 15 * MINUTE) push(machines.silent, [p(400, 'worker', 128 * MIB)]);
    if (ts < T - 25 * MINUTE || ts >= T - 8 * MINUTE) push(machines.restart, [p(500, 'worker', 128 * MIB)]);
    if (ts < T - 40 * MINUTE || ts >= T - 2 * MINUTE) push(machines.back, [p(600, 'worker', 128 * MIB)]);
  }
  return { snapshots, machines };
}
