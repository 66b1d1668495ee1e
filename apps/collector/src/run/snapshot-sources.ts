import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { Logger } from '@nestjs/common';
import { ProcfsSampler } from '../procfs/procfs-sampler';
import { UserDirectory } from '../procfs/user-directory';
import { FleetOptions, SimulatedFleet } from '../simulate/simulated-fleet';
import { SnapshotSource } from './tick-loop';

/** A source plus when its first tick may come (the real sampler needs one interval to measure CPU). */
export interface PreparedSource {
  next: SnapshotSource;
  notBeforeMs?: number;
}

/** Shortest window the first real CPU figure is measured over. */
const MIN_WARM_UP_MS = 1_000;

/**
 * The real /proc sampler for `machineId`, already primed with one discarded sample so the
 * first snapshot sent carries real CPU figures. Throws when this is not Linux.
 */
export async function openProcfsSource(machineId: string, intervalMs: number): Promise<PreparedSource> {
  const sampler = await ProcfsSampler.open({
    machineId,
    // cpu_pct is relative to the machine's CPUs, as top shows it; cpus() is empty in rare sandboxes.
    cores: cpus().length || 1,
    users: new UserDirectory(() => readFile('/etc/passwd', 'utf8')),
    logger: new Logger(ProcfsSampler.name),
  });
  await sampler.sample(Date.now());
  return {
    next: async (tsMs) => [await sampler.sample(tsMs)],
    notBeforeMs: Date.now() + Math.min(intervalMs, MIN_WARM_UP_MS),
  };
}

export function simulatedSource(options: FleetOptions): PreparedSource {
  const fleet = new SimulatedFleet(options);
  return { next: async (tsMs) => fleet.tick(tsMs) };
}
