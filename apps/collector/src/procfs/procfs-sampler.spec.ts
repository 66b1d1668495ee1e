import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSnapshot } from '@pa/contracts';
import { LogSink } from '@pa/kafka';
import { ProcfsSampler } from './procfs-sampler';
import { UserDirectory } from './user-directory';

const quiet: LogSink = { log: () => undefined, warn: () => undefined, error: () => undefined };
const users = () => new UserDirectory(() => readFile('/etc/passwd', 'utf8'));

function burnCpu(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) Math.sqrt(Math.random());
}

describe('ProcfsSampler on this machine', () => {
  it('samples the real /proc twice into valid snapshots that include this test process', async () => {
    const sampler = await ProcfsSampler.open({ machineId: 'test-host', cores: cpus().length || 1, users: users(), logger: quiet });
    const first = await sampler.sample(Date.now());
    burnCpu(300);
    const second = await sampler.sample(Date.now());

    for (const snapshot of [first, second]) {
      const check = checkSnapshot(JSON.parse(JSON.stringify(snapshot)), { nowMs: Date.now() });
      expect(check.ok ? [] : check.issues).toEqual([]);
    }
    const me = second.processes.find((p) => p.pid === process.pid);
    expect(me).toMatchObject({ ppid: process.ppid, state: expect.stringMatching(/^[A-Za-z]$/) });
    expect(me?.cmdline).toContain('jest');
    expect(me?.rss_bytes).toBeGreaterThan(0);
    expect(me?.cpu_pct).toBeGreaterThan(10);
    expect(first.processes.every((p) => p.cpu_pct === 0)).toBe(true);
    expect(Date.parse(me?.start_time ?? '')).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(me?.start_time ?? '')).toBeLessThan(3_600_000);
    // Two walks of the real /proc and 300 ms of CPU: past jest's default 5 s at load 35.
  }, 30_000);
});

describe('ProcfsSampler on a fixture tree', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'procfs-'));
    await writeFile(join(root, 'stat'), 'cpu 1 2 3\nbtime 1700000000\n');
    await writeFile(join(root, 'meminfo'), 'MemTotal: 1000 kB\n');
    await writeFile(join(root, 'version'), 'not a pid');
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  async function writeProcess(pid: number, utime: number, files: Record<string, string>, comm = 'app'): Promise<void> {
    await mkdir(join(root, String(pid)), { recursive: true });
    const stat = `${pid} (${comm}) R 1 0 0 0 -1 0 0 0 0 0 ${utime} 0 0 0 20 0 2 0 1000 4096000 0 0 0 0`;
    for (const [name, text] of Object.entries({ stat, cmdline: 'app\0--x\0', ...files })) {
      await writeFile(join(root, String(pid), name), text);
    }
  }

  it('computes cpu from two samples, mem from MemTotal, start from btime, and skips a process without status', async () => {
    const status = 'Name:\tapp\nUid:\t0\t0\t0\t0\nVmRSS:\t100 kB\n';
    await writeProcess(10, 0, { status, io: 'read_bytes: 5\nwrite_bytes: 7\n' });
    await writeProcess(11, 0, {}); // stat without status: exited between the two reads
    const sampler = await ProcfsSampler.open({ machineId: 'fx', cores: 4, procRoot: root, users: users(), logger: quiet });

    const first = await sampler.sample(Date.parse('2026-11-29T12:00:00Z'));
    await writeProcess(10, 1_000, { status });
    await rm(join(root, '10', 'io')); // like a kernel without task I/O accounting
    const second = await sampler.sample(Date.parse('2026-11-29T12:00:05Z'));

    expect(first.processes.map((p) => p.pid)).toEqual([10]);
    expect(first.processes[0]).toEqual({
      pid: 10,
      ppid: 1,
      name: 'app',
      username: 'root',
      cmdline: 'app --x',
      cpu_pct: 0,
      mem_pct: 10,
      rss_bytes: 102_400,
      vms_bytes: 4_096_000,
      threads: 2,
      state: 'R',
      start_time: '2023-11-14T22:13:30.000Z',
      io_read_bytes: 5,
      io_write_bytes: 7,
    });
    // 10 s of CPU within a few ms of wall time: capped at 100 % × 4 cores.
    expect(second.processes[0].cpu_pct).toBe(400);
    expect(second.processes[0]).not.toHaveProperty('io_read_bytes');
    expect(second.ts).toBe('2026-11-29T12:00:05.000Z');
  });

  it('names a process by its exe when comm is a thread name, reading the link once', async () => {
    const status = 'Uid:\t0\t0\t0\t0\nVmRSS:\t100 kB\n';
    await writeProcess(20, 0, { status, cmdline: 'my-service\0--port\0' }, 'MainThread');
    await symlink('/opt/node-v24/bin/node', join(root, '20', 'exe'));
    const sampler = await ProcfsSampler.open({ machineId: 'fx', cores: 1, procRoot: root, users: users(), logger: quiet });
    expect((await sampler.sample(Date.now())).processes[0].name).toBe('node');
    // the cached name outlives the link (else argv[0], my-service): a second tick does not read it
    await rm(join(root, '20', 'exe'));
    expect((await sampler.sample(Date.now())).processes[0].name).toBe('node');
  });
});
