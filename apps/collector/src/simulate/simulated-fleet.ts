import { ProcessSnapshot } from '@pa/contracts';
import { applyScenario } from './insight-scenarios';
import { Prng } from './prng';
import { MachineProfile, SimulatedMachine } from './simulated-machine';

export interface FleetOptions {
  machines: number;
  /** processes per machine (kept constant: each exit is replaced) */
  processes: number;
  /** any text; the same seed and tick times give the same snapshots */
  seed: string;
  /** machine ids are prefix + 0001, 0002, … */
  prefix: string;
}

/**
 * A fleet of simulated machines. `tick(nowMs)` advances every machine by one step and returns one
 * snapshot per machine stamped `nowMs`; nothing else (no clock, no I/O) goes into the result.
 */
export class SimulatedFleet {
  private machines: SimulatedMachine[] | undefined;
  private startMs = 0;

  constructor(private readonly options: FleetOptions) {}

  /** The machine ids, in order. */
  get machineIds(): string[] {
    return Array.from({ length: this.options.machines }, (_, i) => machineIdOf(this.options.prefix, i));
  }

  /** Profiles (cores, RAM, role, boot); undefined before the first tick, which fixes the boot times. */
  profiles(): MachineProfile[] | undefined {
    return this.machines?.map((m) => m.profile);
  }

  tick(nowMs: number): ProcessSnapshot[] {
    // Built on the first tick so that boot and start times lie before the first (possibly back-filled) instant.
    if (!this.machines) {
      this.startMs = nowMs;
      this.machines = this.machineIds.map((id, i) => new SimulatedMachine(id, this.options.processes, new Prng(`${this.options.seed}/${i}`), nowMs));
    }
    // The insight scenarios (leaks, a GC sawtooth, a process that stops) go on top of the machines' own draws.
    return this.machines.map((m, i) => applyScenario(m.tick(nowMs), i, this.startMs, nowMs, m.profile.memTotalBytes));
  }
}

function machineIdOf(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(4, '0')}`;
}
