// Pure parsers for /proc text, so they can be tested on fixtures. Field numbers follow proc(5).
import { posix } from 'node:path';

/** PF_KTHREAD of include/linux/sched.h, in stat field 9 (flags): the task is a kernel thread. */
const PF_KTHREAD = 0x00200000;
/** What readlink(2) of /proc/<pid>/exe appends once the executable is unlinked (proc(5)). */
const DELETED_SUFFIX = ' (deleted)';

/** The parts of /proc/<pid>/stat we use. Times are in clock ticks, sizes in bytes. */
export interface ProcStat {
  pid: number;
  /** comm: the executable name, at most 15 bytes, may contain spaces and parentheses */
  comm: string;
  /** one letter: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle kernel thread… */
  state: string;
  ppid: number;
  /** PF_KTHREAD set in the kernel flags word */
  isKernelThread: boolean;
  utimeTicks: number;
  stimeTicks: number;
  threads: number;
  /** time the process started after boot, in clock ticks */
  startTicks: number;
  vsizeBytes: number;
}

/** The parts of /proc/<pid>/status we use. */
export interface ProcStatus {
  /** effective uid: the owner `ps -o user` shows */
  uid?: number;
  /** VmRSS in bytes; kernel threads have none */
  rssBytes?: number;
}

/** Storage I/O of /proc/<pid>/io (read_bytes/write_bytes: what reached the block layer, not rchar/wchar). */
export interface ProcIo {
  readBytes: number;
  writeBytes: number;
}

/** Thrown when /proc text does not have the expected shape (a kernel we do not understand). */
export class ProcParseError extends Error {
  override name = 'ProcParseError';
}

/** Parses /proc/<pid>/stat. comm is taken up to the *last* ')' because it may itself contain ') '. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new ProcParseError(`stat without (comm): ${text.slice(0, 80)}`);
  // rest[0] is field 3 (state), so field n of proc(5) is rest[n - 3].
  const rest = text.slice(close + 2).trim().split(' ');
  if (rest.length < 22) throw new ProcParseError(`stat with ${rest.length + 2} fields, expected at least 24`);
  const field = (n: number) => toInt(rest[n - 3], `stat field ${n}`);
  return {
    pid: toInt(text.slice(0, open).trim(), 'stat pid'),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: field(4),
    isKernelThread: (field(9) & PF_KTHREAD) !== 0,
    utimeTicks: field(14),
    stimeTicks: field(15),
    threads: field(20),
    startTicks: field(22),
    vsizeBytes: field(23),
  };
}

/** Parses /proc/<pid>/status for the effective uid and VmRSS (reported in kB = KiB). */
export function parseStatus(text: string): ProcStatus {
  const status: ProcStatus = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('Uid:')) {
      // Uid: real effective saved filesystem
      const effective = line.slice(4).trim().split(/\s+/)[1];
      if (effective !== undefined) status.uid = toInt(effective, 'status Uid');
    } else if (line.startsWith('VmRSS:')) {
      status.rssBytes = toInt(line.slice(6).trim().split(/\s+/)[0], 'status VmRSS') * 1024;
    }
  }
  return status;
}

/** Parses /proc/<pid>/io; undefined when the fields are missing (kernel without task I/O accounting). */
export function parseIo(text: string): ProcIo | undefined {
  const fields = parseKeyValues(text, ':');
  const read = fields.get('read_bytes');
  const write = fields.get('write_bytes');
  if (read === undefined || write === undefined) return undefined;
  return { readBytes: toInt(read, 'io read_bytes'), writeBytes: toInt(write, 'io write_bytes') };
}

/** Arguments are NUL-separated (and NUL-terminated); NUL is turned into spaces since PostgreSQL text cannot hold it. */
export function parseCmdline(raw: Buffer, maxBytes: number): string {
  const capped = raw.subarray(0, maxBytes);
  // Decoding at most maxBytes bytes yields at most maxBytes UTF-16 units, so the schema's maxLength holds.
  return capped.toString('utf8').replace(/\0/g, ' ').trim();
}

/** Base name of argv[0] (cmdline up to the first NUL); undefined for an empty cmdline. */
export function parseArgv0Basename(raw: Buffer): string | undefined {
  const end = raw.indexOf(0);
  const argv0 = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  return posix.basename(argv0) || undefined;
}

/** Base name of a /proc/<pid>/exe target, without the " (deleted)" of an unlinked file. */
export function parseExeBasename(target: string): string | undefined {
  const path = target.endsWith(DELETED_SUFFIX) ? target.slice(0, -DELETED_SUFFIX.length) : target;
  return posix.basename(path) || undefined;
}

/** MemTotal of /proc/meminfo, in bytes. */
export function parseMemTotal(text: string): number {
  const kb = parseKeyValues(text, ':').get('MemTotal');
  if (kb === undefined) throw new ProcParseError('meminfo without MemTotal');
  return toInt(kb.split(/\s+/)[0], 'meminfo MemTotal') * 1024;
}

/** btime of /proc/stat: boot instant in epoch seconds. */
export function parseBootTime(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('btime '));
  if (!line) throw new ProcParseError('/proc/stat without btime');
  return toInt(line.slice(6).trim(), '/proc/stat btime');
}

/** uid → login name from /etc/passwd text (name:password:uid:…); the first entry of a uid wins, like getpwuid. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [name, , uidText] = line.split(':');
    const uid = Number(uidText);
    if (name && Number.isInteger(uid) && !users.has(uid)) users.set(uid, name);
  }
  return users;
}

function parseKeyValues(text: string, separator: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

function toInt(text: string | undefined, what: string): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new ProcParseError(`${what}: expected a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return value;
}
