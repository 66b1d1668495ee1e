import { readlink } from 'node:fs/promises';
import { parseExeBasename } from './procfs.parsers';

/** Reads the target of a symlink; injected so tests can count the reads. */
export type LinkReader = (path: string) => Promise<string>;

interface Entry {
  /** the comm the target was read under: a new comm at the same pid + start means an execve */
  comm: string;
  basename?: string;
}

/**
 * Base names of /proc/<pid>/exe, read once per process and kept while it lives, so that a tick
 * costs no readlink for processes already seen. A process is its pid + start time (a recycled pid
 * is a new one); execve(2) keeps both but sets a new comm, which triggers a fresh read (as does
 * Node renaming its thread to MainThread just after start: one read more, once).
 */
export class ExecutableNames {
  private seen = new Map<string, Entry>();
  private current = new Map<string, Entry>();

  constructor(
    private readonly procRoot: string,
    private readonly readLink: LinkReader = readlink,
  ) {}

  /** The exe base name, or undefined when the link is unreadable (not ours, kernel thread, zombie, exited). */
  async basenameOf(pid: number, startTicks: number, comm: string): Promise<string | undefined> {
    const key = `${pid}:${startTicks}`;
    let entry = this.seen.get(key) ?? this.current.get(key);
    if (entry?.comm !== comm) entry = { comm, basename: await this.read(pid) };
    this.current.set(key, entry);
    return entry.basename;
  }

  /** Forgets processes not asked about since the previous call: call once per tick, after the reads. */
  endTick(): void {
    this.seen = this.current;
    this.current = new Map();
  }

  private async read(pid: number): Promise<string | undefined> {
    try {
      return parseExeBasename(await this.readLink(`${this.procRoot}/${pid}/exe`));
    } catch {
      // EACCES/EPERM (ptrace check), ENOENT (kernel thread, zombie, exited): the name falls back
      // to argv[0] or comm, and the miss is cached too so it is not retried every tick.
      return undefined;
    }
  }
}
