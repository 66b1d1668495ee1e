// The name an analyst groups by (`/v1/top?by=process`): the program, as `ps`/htop users know it.
//
// Sources, all proc(5) (man-pages 6.9, /proc/pid/comm, /proc/pid/exe, /proc/pid/cmdline):
// - comm is the base name of the file passed to execve(2), cut to TASK_COMM_LEN - 1 = 15 bytes;
//   any thread may overwrite it (prctl(PR_SET_NAME), /proc/self/task/<tid>/comm). Node.js names its
//   main thread `MainThread`, so every Node process has that comm (checked on Node 24 by the
//   ps comparison in procfs-sampler-vs-ps.spec.ts).
// - exe links to the executable with symlinks resolved; it ends in " (deleted)" once the file is
//   unlinked, and readlink(2) needs ptrace read access (other users' processes without root) and
//   fails for kernel threads and zombies.
// - cmdline is argv as the program left it: it may rewrite it (postgres, nginx, sshd), and it is
//   empty for kernel threads and zombies.
// `ps -o comm` prints comm as is (`MainThread`); htop's Command column prints the command line with
// the program's base name highlighted (`node`, `python3`): the name analysts know is the latter.
// OpenTelemetry's `process.executable.name` is "the base name of the target of /proc/[pid]/exe"
// (semantic conventions, process attributes); psutil's Process.name() extends a 15-byte comm with
// the base name of argv[0] when that starts with it (psutil/__init__.py).

/** What the rule looks at, all already read from /proc. */
export interface ProcessNameInput {
  /** /proc/<pid>/stat comm */
  comm: string;
  /** PF_KTHREAD set in the stat flags */
  isKernelThread: boolean;
  /** base name of the exe link's target, " (deleted)" removed; undefined when unreadable */
  exeBasename?: string;
  /** base name of argv[0]; undefined when cmdline is empty or unreadable */
  argv0Basename?: string;
}

/** TASK_COMM_LEN - 1: a comm this long in bytes may be a cut-off program name. */
export const COMM_MAX_BYTES = 15;

/**
 * The process name, by the first rule that applies (argv[0] and exe meaning their base names):
 * 1. a kernel thread keeps its comm, without the brackets ps puts around it in `args`;
 * 2. a comm that starts neither argv[0] nor exe is a name the program gave its thread
 *    (`MainThread`): the exe (OTel's process.executable.name, `node`), else argv[0], else comm;
 * 3. a comm of 15 bytes may have been cut: the shortest of argv[0] and exe that is longer and
 *    starts with it (`systemd-journal` → `systemd-journald`; shortest, so that a title such as
 *    `daemon-long-name: worker 3` in a rewritten argv gives way to the exe `daemon-long-name`);
 * 4. otherwise comm: the program by the name it was started as, as ps and htop show it, even when
 *    that is a symlink to another file (`vi` for vim.basic, `python3` for python3.11,
 *    `redis-server` for redis-check-rdb) or argv was rewritten since (`redis-server 127.0.0.1:6379`).
 */
export function nameProcess(input: ProcessNameInput): string {
  const { comm, exeBasename, argv0Basename } = input;
  if (input.isKernelThread || !comm) return comm || exeBasename || argv0Basename || '';
  const started = [argv0Basename, exeBasename].filter((n): n is string => n?.startsWith(comm) === true);
  if (started.length === 0) return exeBasename || argv0Basename || comm;
  if (Buffer.byteLength(comm, 'utf8') < COMM_MAX_BYTES) return comm;
  const longer = started.filter((n) => n.length > comm.length).sort((a, b) => a.length - b.length);
  return longer[0] ?? comm;
}
