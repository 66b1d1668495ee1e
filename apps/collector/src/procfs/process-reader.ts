import { readFile, readdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { ProcIo, ProcStat, ProcStatus, parseArgv0Basename, parseCmdline, parseIo, parseStat, parseStatus } from './procfs.parsers';

/** What one read of /proc/<pid>/ yields. */
export interface RawProcess {
  stat: ProcStat;
  status: ProcStatus;
  /** absent when empty (kernel threads) or unreadable */
  cmdline?: string;
  /** base name of argv[0]; absent with cmdline */
  argv0Basename?: string;
  /** absent when /proc/<pid>/io is not ours to read (another user's process, without root) */
  io?: ProcIo;
  /** monotonic ms when stat was read; CPU deltas are taken between two of these */
  readAtMs: number;
}

/** A process that exited while we read it: /proc/<pid> is gone (ENOENT) or the task is dead (ESRCH). */
export function isVanished(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

function isDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** Numeric entries of /proc: one per process (threads are hidden under /proc/<pid>/task). */
export async function listPids(procRoot: string): Promise<number[]> {
  const entries = await readdir(procRoot);
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).sort((a, b) => a - b);
}

/**
 * Reads stat, status, cmdline and io of one process. Returns undefined when the process exited
 * mid-read; throws on anything else (EACCES on stat under hidepid, a stat line we cannot parse).
 */
export async function readProcess(procRoot: string, pid: number, cmdlineMaxBytes: number): Promise<RawProcess | undefined> {
  const dir = `${procRoot}/${pid}`;
  try {
    const statText = await readFile(`${dir}/stat`, 'utf8');
    const readAtMs = performance.now();
    const [statusText, cmdline, io] = await Promise.all([
      readFile(`${dir}/status`, 'utf8'),
      readOptional(() => readFile(`${dir}/cmdline`), 'vanish'),
      // A kernel without task I/O accounting has no io file at all, so ENOENT here only drops io.
      readOptional(() => readFile(`${dir}/io`, 'utf8'), 'omit'),
    ]);
    const text = cmdline === undefined ? '' : parseCmdline(cmdline, cmdlineMaxBytes);
    return {
      stat: parseStat(statText),
      status: parseStatus(statusText),
      cmdline: text || undefined,
      argv0Basename: text && cmdline ? parseArgv0Basename(cmdline) : undefined,
      io: io === undefined ? undefined : parseIo(io),
      readAtMs,
    };
  } catch (error) {
    if (isVanished(error)) return undefined;
    throw error;
  }
}

/** Reads a file whose absence must not lose the process: permission errors give undefined. */
async function readOptional<T>(read: () => Promise<T>, onMissing: 'vanish' | 'omit'): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isDenied(error)) return undefined;
    if (onMissing === 'omit' && isVanished(error)) return undefined;
    throw error;
  }
}
