import { ProcessSample, ProcessSnapshot } from '@pa/contracts';
import { BASE_PROCESSES, CATALOG, MachineRole, ProcessTemplate, ROLE_LAYOUTS, ROLE_WEIGHTS, TemplateKey } from './process-catalog';
import { Prng } from './prng';

const MIB = 1024 * 1024;
const PAGE_BYTES = 4096;
/** Linux's default pid_max on 64-bit machines; pids wrap to 300 past it, as the kernel does. */
const PID_MAX = 4_194_304;
/** Resident memory the processes may hold together, as a share of RAM (the rest is kernel and cache). */
const MEM_CEILING = 0.9;

/** The fixed traits of one simulated machine. */
export interface MachineProfile {
  machineId: string;
  role: MachineRole;
  cores: number;
  memTotalBytes: number;
  bootMs: number;
}

interface SimProcess {
  key: TemplateKey;
  template: ProcessTemplate;
  pid: number;
  ppid: number;
  name: string;
  cmdline?: string;
  /** RFC 3339, formatted once: toISOString per process per tick is a large share of a tick */
  startTime: string;
  cpu: number;
  rss: number;
  /** the level RSS hovers around (it grows for drifting heaps, until a collection) */
  rssLevel: number;
  rssRange: [number, number];
  vmsFactor: number;
  threads: number;
  ioRead: number;
  ioWrite: number;
}

/**
 * One machine of the simulated fleet: a stable set of processes whose CPU follows bounded,
 * mean-reverting random walks and whose memory drifts slowly; now and then one exits and a new
 * pid takes its place. Every random choice comes from the machine's own Prng, so a machine's
 * history depends only on the seed and its index, not on how many machines run beside it.
 */
export class SimulatedMachine {
  readonly profile: MachineProfile;
  private readonly processes: SimProcess[] = [];
  private readonly livePids = new Set<number>();
  private nextPid: number;
  /** machine-wide load factor (a slow random walk) so the whole machine gets busier and quieter */
  private load = 1;
  /** shrinks every RSS so the process mix fits this machine's RAM */
  private memScale = 1;
  /** shrinks every CPU mean so the machine idles at its own typical utilisation, not at 100 % */
  private cpuScale = 1;

  constructor(machineId: string, processCount: number, private readonly r: Prng, firstTickMs: number) {
    const cores = r.pick([2, 4, 4, 8, 8, 16, 16, 32, 64]);
    this.profile = {
      machineId,
      role: r.weighted(ROLE_WEIGHTS),
      cores,
      memTotalBytes: cores * r.pick([2, 4, 8]) * 1024 * MIB,
      bootMs: firstTickMs - r.int(3_600, 60 * 86_400) * 1000,
    };
    this.nextPid = r.int(1_000, 60_000);
    this.populate(processCount, firstTickMs);
  }

  /** Advances the machine one tick and returns its snapshot stamped `nowMs`. */
  tick(nowMs: number): ProcessSnapshot {
    this.load = clamp(this.load + 0.05 * (1 - this.load) + this.r.normal() * 0.04, 0.3, 2);
    this.churn(nowMs);
    for (const p of this.processes) this.step(p);
    this.fitCpu();
    this.fitMemory();
    return {
      machine_id: this.profile.machineId,
      ts: new Date(nowMs).toISOString(),
      batch_id: this.r.uuid(),
      processes: this.processes.map((p) => this.toSample(p)),
    };
  }

  private populate(count: number, firstTickMs: number): void {
    const { services, fillers } = ROLE_LAYOUTS[this.profile.role];
    const { bootMs } = this.profile;
    let lowPid = 1;
    for (const key of [...BASE_PROCESSES, ...services].slice(0, count)) {
      // systemd is 1 and kthreadd 2; early kernel threads and services get low pids, as after a boot.
      const pid = lowPid <= 2 ? lowPid++ : (lowPid += this.r.int(1, 40));
      this.add(key, pid, bootMs + this.r.int(0, 90_000));
    }
    while (this.processes.length < count) {
      this.add(this.r.weighted(fillers), this.allocatePid(), this.r.int(bootMs + 60_000, firstTickMs));
    }
    // A machine full of busy workers would sit at 100 %; aim for a typical 10–60 % instead.
    const cpuWanted = this.processes.reduce((sum, p) => sum + p.template.cpuMean, 0);
    this.cpuScale = Math.min(1, (this.profile.cores * 100 * this.r.between(0.1, 0.6)) / Math.max(1, cpuWanted));
    for (const p of this.processes) p.cpu *= this.cpuScale;
    // Templates assume a big server; shrink every process so this machine starts at most 60 % full.
    const wanted = this.processes.reduce((sum, p) => sum + p.rss, 0);
    this.memScale = Math.min(1, (0.6 * this.profile.memTotalBytes) / Math.max(1, wanted));
    for (const p of this.processes) {
      p.rss = Math.round(p.rss * this.memScale);
      p.rssLevel = p.rss;
      p.rssRange = [p.rssRange[0] * this.memScale, p.rssRange[1] * this.memScale];
    }
  }

  private add(key: TemplateKey, pid: number, startMs: number, at = this.processes.length): void {
    const template: ProcessTemplate = CATALOG[key];
    const [lo, hi] = template.rssMiB;
    const rssRange: [number, number] = [lo * MIB * this.memScale, hi * MIB * this.memScale];
    const process: SimProcess = {
      key,
      template,
      pid,
      ppid: this.parentPid(template, pid),
      name: typeof template.name === 'string' ? template.name : template.name(this.r, this.profile.cores),
      cmdline: template.cmdline?.(this.r),
      startTime: new Date(startMs).toISOString(),
      cpu: template.cpuMean * this.cpuScale * this.r.between(0.5, 1.5),
      rss: 0,
      rssLevel: 0,
      rssRange,
      vmsFactor: template.isKernelThread ? 0 : this.r.between(2, template.threads[1] > 20 ? 12 : 5),
      threads: this.r.int(template.threads[0], template.threads[1]),
      ioRead: 0,
      ioWrite: 0,
    };
    process.rss = Math.round(this.r.between(rssRange[0], (rssRange[0] + rssRange[1]) / 2));
    process.rssLevel = process.rss;
    this.processes.splice(at, 0, process);
    this.livePids.add(pid);
  }

  private parentPid(template: ProcessTemplate, pid: number): number {
    if (pid <= 2) return 0; // systemd and kthreadd are started by the kernel itself
    if (template.parent) {
      const parent = this.processes.find((p) => p.key === template.parent);
      if (parent) return parent.pid;
    }
    return template.isKernelThread ? 2 : 1;
  }

  private allocatePid(): number {
    do {
      this.nextPid = this.nextPid >= PID_MAX ? 300 : this.nextPid + this.r.int(1, 40);
    } while (this.livePids.has(this.nextPid));
    return this.nextPid;
  }

  /** Short-lived processes exit now and then; a fresh instance of the same kind replaces each one. */
  private churn(nowMs: number): void {
    for (let i = 0; i < this.processes.length; i++) {
      const p = this.processes[i];
      if (p.template.churn === 0 || !this.r.chance(p.template.churn)) continue;
      this.processes.splice(i, 1);
      this.livePids.delete(p.pid);
      this.add(p.key, this.allocatePid(), nowMs, i);
    }
  }

  private step(p: SimProcess): void {
    const { template: t } = p;
    const cap = Math.min(t.cpuMax, 100 * this.profile.cores);
    const mean = t.cpuMean * this.cpuScale * this.load;
    // Ornstein–Uhlenbeck: pulled back towards the mean, noise proportional to it, rare spikes.
    p.cpu += 0.2 * (mean - p.cpu) + this.r.normal() * Math.max(0.05, mean * 0.3);
    if (this.r.chance(0.002)) p.cpu = mean * this.r.between(3, 12) + this.r.between(1, 10);
    p.cpu = clamp(p.cpu, 0, cap);
    this.stepMemory(p);
    if (t.threads[1] > t.threads[0] && this.r.chance(0.05)) {
      p.threads = clamp(p.threads + this.r.pick([-1, 1]), t.threads[0], t.threads[1]);
    }
    if (!t.isKernelThread) {
      p.ioRead += Math.round(p.cpu * this.r.between(0, 40_000));
      p.ioWrite += Math.round(p.cpu * this.r.between(0, 20_000));
    }
  }

  /**
   * Resident memory hovers around a level (Ornstein–Uhlenbeck, like the CPU): a pure random walk
   * drifts for an hour at a time and would look like a leak. A heap with `rssDrift` grows its level
   * and is collected now and then (about every 15 minutes at 10 s ticks) back towards its floor: a
   * sawtooth, not a leak. The fleet's leaks are the insight scenarios' (insight-scenarios.ts).
   */
  private stepMemory(p: SimProcess): void {
    const [lo, hi] = p.rssRange;
    const drift = p.template.rssDrift ?? 0;
    if (drift > 0) {
      p.rssLevel = Math.min(hi, p.rssLevel * (1 + drift));
      if (this.r.chance(1 / 90)) p.rssLevel = lo + (p.rssLevel - lo) * this.r.between(0.2, 0.5);
    }
    p.rss = Math.round(clamp(p.rss + 0.2 * (p.rssLevel - p.rss) + this.r.normal() * 0.002 * p.rssLevel, lo, hi));
  }

  /** All processes together cannot use more than the machine's cores. */
  private fitCpu(): void {
    const limit = 100 * this.profile.cores * 0.98;
    const total = this.processes.reduce((sum, p) => sum + p.cpu, 0);
    if (total > limit) for (const p of this.processes) p.cpu *= limit / total;
  }

  /** …nor hold more than the machine's RAM: scale everyone down, as reclaim and swap would. */
  private fitMemory(): void {
    const limit = MEM_CEILING * this.profile.memTotalBytes;
    const total = this.processes.reduce((sum, p) => sum + p.rss, 0);
    if (total > limit) for (const p of this.processes) p.rss = Math.floor((p.rss * limit) / total);
  }

  private toSample(p: SimProcess): ProcessSample {
    // The kernel counts resident memory in pages.
    const rss = Math.round(p.rss / PAGE_BYTES) * PAGE_BYTES;
    const sample: ProcessSample = {
      pid: p.pid,
      ppid: p.ppid,
      name: p.name,
      username: p.template.user,
      cpu_pct: round(p.cpu, 2),
      mem_pct: round((rss / this.profile.memTotalBytes) * 100, 4),
      rss_bytes: rss,
      vms_bytes: Math.round((p.rss * p.vmsFactor) / PAGE_BYTES) * PAGE_BYTES,
      threads: p.threads,
      state: this.stateOf(p),
      start_time: p.startTime,
    };
    if (p.cmdline !== undefined) sample.cmdline = p.cmdline;
    if (!p.template.isKernelThread) Object.assign(sample, { io_read_bytes: p.ioRead, io_write_bytes: p.ioWrite });
    return sample;
  }

  private stateOf(p: SimProcess): string {
    if (p.template.isKernelThread) return p.cpu > 1 ? 'R' : 'I';
    if (this.r.chance(Math.min(0.9, p.cpu / 100))) return 'R';
    return this.r.chance(0.003) ? 'D' : 'S';
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
