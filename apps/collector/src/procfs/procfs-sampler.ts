import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { MAX_PROCESSES_PER_SNAPSHOT, ProcessSample, ProcessSnapshot } from '@pa/contracts';
import { LogSink } from '@pa/kafka';
import { parseBootTime, parseMemTotal } from './procfs.parsers';
import { ExecutableNames } from './executable-names';
import { nameProcess } from './process-name';
import { RawProcess, listPids, readProcess } from './process-reader';
import { UserDirectory } from './user-directory';

/**
 * USER_HZ, the unit of utime/stime/starttime. It is 100 on Linux x86_64 and arm64 (what
 * `getconf CLK_TCK` prints); Node has no sysconf binding, so it is fixed here rather than guessed.
 */
export const CLOCK_TICKS_PER_SECOND = 100;
/** The schema's cmdline maxLength; longer command lines are cut. */
export const CMDLINE_MAX_BYTES = 32 * 1024;
/** Processes read at once; bounds open files and keeps the libuv pool free for other work. */
const READ_CONCURRENCY = 32;

export interface ProcfsSamplerOptions {
  machineId: string;
  /** CPUs of the machine: cpu_pct is 0–100 × cores */
  cores: number;
  /** /proc, or a fixture tree in tests */
  procRoot?: string;
  users: UserDirectory;
  logger: LogSink;
}

/** A read process with the name the rule of process-name.ts gives it. */
type NamedProcess = RawProcess & { name: string };

interface CpuMark {
  ticks: number;
  readAtMs: number;
}

/**
 * Samples every process of this Linux machine. CPU % needs two samples: the first sample of a
 * process reports 0, later ones the CPU time used since the previous sample over the wall time between.
 */
export class ProcfsSampler {
  private marks = new Map<string, CpuMark>();
  private hasWarnedUnreadable = false;
  private readonly executables: ExecutableNames;

  private constructor(
    private readonly options: ProcfsSamplerOptions & { procRoot: string },
    private readonly bootEpochSeconds: number,
  ) {
    this.executables = new ExecutableNames(options.procRoot);
  }

  /** Reads the boot time once; throws when procRoot is not a Linux /proc. */
  static async open(options: ProcfsSamplerOptions): Promise<ProcfsSampler> {
    const procRoot = options.procRoot ?? '/proc';
    const boot = parseBootTime(await readFile(`${procRoot}/stat`, 'utf8'));
    return new ProcfsSampler({ ...options, procRoot }, boot);
  }

  /** One snapshot stamped `tsMs`; processes that exit while being read are left out. */
  async sample(tsMs: number): Promise<ProcessSnapshot> {
    const { procRoot } = this.options;
    const memTotalBytes = parseMemTotal(await readFile(`${procRoot}/meminfo`, 'utf8'));
    const raws = await this.readAll(await listPids(procRoot));
    this.executables.endTick();
    const marks = new Map<string, CpuMark>();
    const processes: ProcessSample[] = [];
    for (const raw of raws) {
      const key = `${raw.stat.pid}:${raw.stat.startTicks}`;
      const ticks = raw.stat.utimeTicks + raw.stat.stimeTicks;
      marks.set(key, { ticks, readAtMs: raw.readAtMs });
      processes.push(await this.toSample(raw, this.cpuPct(this.marks.get(key), ticks, raw.readAtMs), memTotalBytes));
    }
    // Keyed by pid + start time, so a recycled pid starts from 0 instead of inheriting a delta.
    this.marks = marks;
    return { machine_id: this.options.machineId, ts: new Date(tsMs).toISOString(), batch_id: randomUUID(), processes: capped(processes) };
  }

  private async readAll(pids: number[]): Promise<NamedProcess[]> {
    const found: NamedProcess[] = [];
    for (let i = 0; i < pids.length; i += READ_CONCURRENCY) {
      const batch = pids.slice(i, i + READ_CONCURRENCY).map((pid) => this.readOne(pid));
      for (const raw of await Promise.all(batch)) if (raw) found.push(raw);
    }
    return found;
  }

  private async readOne(pid: number): Promise<NamedProcess | undefined> {
    try {
      const raw = await readProcess(this.options.procRoot, pid, CMDLINE_MAX_BYTES);
      return raw && { ...raw, name: await this.nameOf(raw) };
    } catch (error) {
      // One odd process must not cost the snapshot; say so once, not every tick.
      if (!this.hasWarnedUnreadable) this.options.logger.warn(`skipping unreadable process ${pid} (further ones silently)`, error);
      this.hasWarnedUnreadable = true;
      return undefined;
    }
  }

  private async nameOf({ stat, argv0Basename }: RawProcess): Promise<string> {
    const { pid, comm, startTicks, isKernelThread } = stat;
    // Kernel threads have no exe to read (readlink fails with ENOENT), so they cost nothing.
    const exeBasename = isKernelThread ? undefined : await this.executables.basenameOf(pid, startTicks, comm);
    return nameProcess({ comm, isKernelThread, exeBasename, argv0Basename }) || String(pid);
  }

  private cpuPct(previous: CpuMark | undefined, ticks: number, readAtMs: number): number {
    if (!previous || readAtMs <= previous.readAtMs) return 0;
    const cpuSeconds = Math.max(0, ticks - previous.ticks) / CLOCK_TICKS_PER_SECOND;
    const pct = (cpuSeconds / ((readAtMs - previous.readAtMs) / 1000)) * 100;
    // Tick granularity (10 ms) over a short interval can overshoot the machine's capacity.
    return round(Math.min(pct, 100 * this.options.cores), 2);
  }

  private async toSample(raw: NamedProcess, cpuPct: number, memTotalBytes: number): Promise<ProcessSample> {
    const { stat, status, io } = raw;
    const rss = status.rssBytes ?? 0;
    const startSeconds = this.bootEpochSeconds + stat.startTicks / CLOCK_TICKS_PER_SECOND;
    const sample: ProcessSample = {
      pid: stat.pid,
      ppid: stat.ppid,
      name: raw.name,
      cpu_pct: cpuPct,
      mem_pct: memTotalBytes > 0 ? round(Math.min(100, (rss / memTotalBytes) * 100), 4) : 0,
      rss_bytes: rss,
      vms_bytes: stat.vsizeBytes,
      threads: stat.threads,
      state: stat.state,
      start_time: new Date(Math.round(startSeconds * 1000)).toISOString(),
    };
    if (status.uid !== undefined) sample.username = await this.options.users.nameOf(status.uid);
    if (raw.cmdline !== undefined) sample.cmdline = raw.cmdline;
    if (io) Object.assign(sample, { io_read_bytes: io.readBytes, io_write_bytes: io.writeBytes });
    return sample;
  }
}

/** Above the schema's limit keep the busiest processes, which are the ones analysts ask about. */
function capped(processes: ProcessSample[]): ProcessSample[] {
  if (processes.length <= MAX_PROCESSES_PER_SNAPSHOT) return processes;
  return [...processes].sort((a, b) => b.cpu_pct - a.cpu_pct || b.rss_bytes - a.rss_bytes).slice(0, MAX_PROCESSES_PER_SNAPSHOT);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
