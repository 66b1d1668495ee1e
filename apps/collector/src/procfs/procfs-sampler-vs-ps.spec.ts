import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ProcessSample } from '@pa/contracts';
import { LogSink } from '@pa/kafka';
import { pollUntil } from '@pa/testing';
import { nameProcess } from './process-name';
import { parseExeBasename } from './procfs.parsers';
import { ProcfsSampler } from './procfs-sampler';
import { UserDirectory } from './user-directory';

// The collector's view of this machine against procps's `ps`, which reads the same /proc on its own.

const quiet: LogSink = { log: () => undefined, warn: () => undefined, error: () => undefined };
/** Wide enough that ps pads comm instead of cutting it: kernel threads' TASK_COMM_EXT_LEN. */
const COMM_WIDTH = 64;
/**
 * Wider than any pid or RSS in KiB: a value wider than its column makes ps take the overflow out
 * of the next column's padding, so comm would end early and its slice would hold the first
 * character of args (seen as comm `MainThread … n` while a 1 GiB JVM ran beside the test).
 */
const NUMBER_WIDTH = 12;
/** Longer than comm's 15 bytes, so the kernel cuts it to `pa-sleeper-with`. */
const LONG_NAME = 'pa-sleeper-with-a-long-name';

interface PsRow {
  pid: number;
  rssKiB: number;
  comm: string;
  /** '-' when ps cannot read /proc/<pid>/exe either */
  exe: string;
  /** argv joined by spaces; `[comm]` for kernel threads, `[comm] <defunct>` for zombies */
  args: string;
}

/** Runs ps -e; resolves with its lines and its own pid. */
async function runPs(format: string): Promise<{ lines: string[]; pid: number }> {
  const child = execFile('ps', ['-e', '-ww', '-o', format], { maxBuffer: 64 * 1024 * 1024 });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  // 'close', not 'exit': stdout may still hold data when the process has exited.
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`ps -o ${format} exited with ${code}`);
  return { lines: out.split('\n').filter(Boolean), pid: child.pid ?? -1 };
}

/**
 * ps's view of every process. Two runs, because comm, exe and args may all hold spaces and ps caps
 * a column's width (about 156 characters) unless it is the last one: exe is last in the second.
 */
async function readPs(): Promise<{ rows: Map<number, PsRow>; psPids: number[] }> {
  const main = await runPs(`pid:${NUMBER_WIDTH}=,rss:${NUMBER_WIDTH}=,comm:${COMM_WIDTH}=,args=`);
  const exes = await runPs('pid=,exe=');
  const exeByPid = new Map(exes.lines.map((line) => line.trim()).map((line) => [Number(line.split(' ')[0]), line.replace(/^\d+ /, '')]));
  const rows = new Map<number, PsRow>();
  for (const line of main.lines) {
    const [, pid, rss, rest] = /^\s*(\d+)\s+(\d+) (.*)$/.exec(line) ?? [];
    const comm = rest.slice(0, COMM_WIDTH).trimEnd();
    rows.set(Number(pid), { pid: Number(pid), rssKiB: Number(rss), comm, exe: exeByPid.get(Number(pid)) ?? '-', args: rest.slice(COMM_WIDTH + 1) });
  }
  return { rows, psPids: [main.pid, exes.pid] };
}

/**
 * The rule applied to what ps read. ps joins argv with spaces, which loses where argv[0] ends
 * (`npm run typecheck` is one argument: npm sets process.title), so argv[0] comes from cmdline.
 */
async function expectedName(row: PsRow): Promise<string | undefined> {
  const isKernelThread = row.args === `[${row.comm}]`;
  const argv = await readFile(`/proc/${row.pid}/cmdline`, 'utf8').catch(() => undefined);
  if (argv === undefined) return undefined;
  const exeBasename = row.exe === '-' ? undefined : parseExeBasename(row.exe);
  return nameProcess({ comm: row.comm, isKernelThread, exeBasename, argv0Basename: posix.basename(argv.split('\0')[0]) || undefined });
}

/**
 * Equal, or the same kworker: the kernel appends the workqueue a worker last ran to its name at
 * every read of /proc (wq_worker_comm() in kernel/workqueue.c), so that part may change between
 * two reads of an otherwise unchanged process.
 */
function isSameName(a: string, b: string): boolean {
  const worker = (name: string) => /^kworker\/[^-]+/.exec(name)?.[0];
  return a === b || (worker(a) !== undefined && worker(a) === worker(b));
}

/** Gone from /proc, or a zombie (it may linger as one until its parent reaps it). */
async function hasExited(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined || /^\S+ \(.*\) [ZX] /s.test(stat);
}

async function commOf(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, 'utf8')).trimEnd();
}

/** A process that lived through both samples and the ps run between them. */
interface Seen {
  before: ProcessSample;
  after: ProcessSample;
  ps: PsRow;
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('child did not start');
  return child.pid;
}

describe('ProcfsSampler against ps on this machine', () => {
  let dir: string;
  let nodeChild: ChildProcess;
  let longNamed: ChildProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vs-ps-'));
    const script = 'process.stdout.write("ready\\n"); setInterval(() => {}, 60_000)';
    nodeChild = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (nodeChild.stdout) await once(nodeChild.stdout, 'data'); // it has started running JavaScript
    await symlink(await realpath('/bin/sleep'), join(dir, LONG_NAME));
    longNamed = spawn(join(dir, LONG_NAME), ['600'], { stdio: 'ignore' });
    await once(longNamed, 'spawn');
    // Node renames its main thread during start-up; wait for the comm this test is about.
    const nodePid = pidOf(nodeChild);
    await pollUntil(() => commOf(nodePid), (c) => c === 'MainThread', { timeoutMs: 10_000, intervalMs: 20, what: 'node child comm' });
  });

  afterAll(async () => {
    for (const child of [nodeChild, longNamed]) if (child?.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('sees the processes, names and RSS that ps sees', async () => {
    const users = new UserDirectory(() => readFile('/etc/passwd', 'utf8'));
    const sampler = await ProcfsSampler.open({ machineId: 'vs-ps', cores: cpus().length || 1, users, logger: quiet });
    const before = await sampler.sample(Date.now());
    const { rows, psPids } = await readPs();
    const after = await sampler.sample(Date.now());

    // Alive through all three reads: the same pid, start time and name before and after ps ran.
    const earlier = new Map(before.processes.map((p) => [p.pid, p]));
    const stable = after.processes.filter((p) => sameProcess(earlier.get(p.pid), p));
    expect(stable.length).toBeGreaterThan(10);
    expect(stable.filter((p) => !rows.has(p.pid)).map((p) => p.pid)).toEqual([]);
    // What ps listed and the second sample lacks must have exited in between.
    const byPid = new Map(after.processes.map((p) => [p.pid, p]));
    const missing = [...rows.keys()].filter((pid) => !byPid.has(pid) && !psPids.includes(pid));
    expect((await Promise.all(missing.map(async (pid) => ((await hasExited(pid)) ? [] : [rows.get(pid)])))).flat()).toEqual([]);

    const seen = stable.flatMap((p) => {
      const [b, ps] = [earlier.get(p.pid), rows.get(p.pid)];
      return b && ps ? [{ before: b, after: p, ps }] : [];
    });
    const named = await Promise.all(seen.map(async (s) => ({ ...s.ps, name: s.after.name, expected: await expectedName(s.ps) })));
    // undefined: the process exited before its argv could be read, so there is nothing to expect
    expect(named.filter((n) => n.expected !== undefined && !isSameName(n.name, n.expected))).toEqual([]);
    // A busy process's RSS can swing between three reads a few ms apart (a GC, an allocation
    // burst): one whose reading misses ps's is read again, up to three times. A collector that
    // misreads RSS misses every time.
    let rssOff = seen.filter((s) => !inRssRange(s));
    for (let attempt = 0; attempt < 3 && rssOff.length > 0; attempt++) rssOff = await stillOffRss(sampler, rssOff);
    expect(rssOff.map((s) => ({ pid: s.ps.pid, name: s.after.name, psKiB: s.ps.rssKiB, kib: [s.before.rss_bytes / 1024, s.after.rss_bytes / 1024] }))).toEqual([]);

    // The cases this rule exists for, as ps shows them and as the collector names them.
    const shown = (pid: number) => ({ ps: rows.get(pid)?.comm, name: byPid.get(pid)?.name });
    expect(shown(pidOf(nodeChild))).toEqual({ ps: 'MainThread', name: 'node' });
    expect(shown(process.pid)).toEqual({ ps: 'MainThread', name: 'node' });
    expect(shown(pidOf(longNamed))).toEqual({ ps: LONG_NAME.slice(0, 15), name: LONG_NAME });
    expect(stable.filter((p) => p.name === 'MainThread' && rows.get(p.pid)?.exe !== '-')).toEqual([]);
  });
});

function sameProcess(a: ProcessSample | undefined, b: ProcessSample): boolean {
  return a !== undefined && a.start_time === b.start_time && a.name === b.name;
}

/** Of `off`, the processes whose RSS misses ps's again on a fresh sample, ps, sample (exited ones drop out). */
async function stillOffRss(sampler: ProcfsSampler, off: Seen[]): Promise<Seen[]> {
  const before = new Map((await sampler.sample(Date.now())).processes.map((p) => [p.pid, p]));
  const { rows } = await readPs();
  const after = new Map((await sampler.sample(Date.now())).processes.map((p) => [p.pid, p]));
  return off.flatMap(({ ps: { pid } }) => {
    const [b, ps, a] = [before.get(pid), rows.get(pid), after.get(pid)];
    if (!b || !ps || !a) return [];
    const again = { before: b, after: a, ps };
    return inRssRange(again) ? [] : [again];
  });
}

/** ps's RSS within the range of the two samples around it, widened by 5% or 1 MiB for what moved meanwhile. */
function inRssRange({ ps, before, after }: Seen): boolean {
  const low = Math.min(before.rss_bytes, after.rss_bytes);
  const high = Math.max(before.rss_bytes, after.rss_bytes);
  const slack = Math.max(1024 * 1024, 0.05 * high);
  const psBytes = ps.rssKiB * 1024;
  return psBytes >= low - slack && psBytes <= high + slack;
}
