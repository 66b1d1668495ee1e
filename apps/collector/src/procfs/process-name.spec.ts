import { nameProcess } from './process-name';

const user = { isKernelThread: false };

describe('nameProcess', () => {
  it('names a Node.js process node, not the MainThread its main thread calls itself', () => {
    expect(nameProcess({ ...user, comm: 'MainThread', exeBasename: 'node', argv0Basename: 'node' })).toBe('node');
    // exe wins over argv[0], which the program may have rewritten
    expect(nameProcess({ ...user, comm: 'MainThread', exeBasename: 'node', argv0Basename: 'my-service' })).toBe('node');
  });

  it('falls back to argv[0], then comm, when exe is unreadable (another user, no root)', () => {
    expect(nameProcess({ ...user, comm: 'MainThread', argv0Basename: 'node' })).toBe('node');
    expect(nameProcess({ ...user, comm: 'MainThread' })).toBe('MainThread');
  });

  it('extends a comm cut at 15 bytes to the full program name', () => {
    const comm = 'systemd-journal';
    expect(nameProcess({ ...user, comm, exeBasename: 'systemd-journald', argv0Basename: 'systemd-journald' })).toBe('systemd-journald');
    expect(nameProcess({ ...user, comm, argv0Basename: 'systemd-journald' })).toBe('systemd-journald');
    expect(nameProcess({ ...user, comm, exeBasename: 'systemd-journald' })).toBe('systemd-journald');
  });

  it('extends from argv[0] when exe is a symlink target by another name', () => {
    const comm = 'pa-sleep-long-n';
    expect(nameProcess({ ...user, comm, exeBasename: 'sleep', argv0Basename: 'pa-sleep-long-name' })).toBe('pa-sleep-long-name');
  });

  it('extends to the shortest longer name, so a process title in argv gives way to the exe', () => {
    const comm = 'daemon-long-nam';
    expect(nameProcess({ ...user, comm, exeBasename: 'daemon-long-name', argv0Basename: 'daemon-long-name: worker 3' })).toBe('daemon-long-name');
    // npm sets process.title, which rewrites argv and comm alike: the title is all there is
    expect(nameProcess({ ...user, comm: 'npm run typeche', exeBasename: 'node', argv0Basename: 'npm run typecheck' })).toBe('npm run typecheck');
  });

  it('counts 15 bytes, not characters, so a cut multi-byte name is extended too', () => {
    const full = 'überwachung-dienst'; // ü is 2 bytes: the first 14 characters are 15 bytes
    expect(nameProcess({ ...user, comm: full.slice(0, 14), exeBasename: full })).toBe(full);
  });

  it('does not extend a short comm that merely starts the exe name (python3 runs python3.11)', () => {
    expect(nameProcess({ ...user, comm: 'python3', exeBasename: 'python3.11', argv0Basename: 'python3' })).toBe('python3');
    expect(nameProcess({ ...user, comm: 'python3', exeBasename: 'python3.11' })).toBe('python3');
  });

  it('keeps the name a program was started by when exe is a symlink target (vi → vim.basic, -bash)', () => {
    expect(nameProcess({ ...user, comm: 'vi', exeBasename: 'vim.basic', argv0Basename: 'vi' })).toBe('vi');
    expect(nameProcess({ ...user, comm: 'bash', exeBasename: 'bash', argv0Basename: '-bash' })).toBe('bash');
  });

  it('keeps comm for programs that rewrite argv (postgres, nginx), since comm is their exe name', () => {
    const title = 'main: checkpointer';
    expect(nameProcess({ ...user, comm: 'postgres', exeBasename: 'postgres', argv0Basename: title })).toBe('postgres');
  });

  it('keeps comm when exe is a symlink target and argv a title that starts with comm (Debian redis)', () => {
    const redis = { ...user, comm: 'redis-server', exeBasename: 'redis-check-rdb' };
    expect(nameProcess({ ...redis, argv0Basename: 'redis-server 127.0.0.1:6379' })).toBe('redis-server');
  });

  it('keeps comm, without brackets, for kernel threads, whatever else is known', () => {
    expect(nameProcess({ comm: 'kworker/0:1-events', isKernelThread: true })).toBe('kworker/0:1-events');
    expect(nameProcess({ comm: 'kthreadd', isKernelThread: true, exeBasename: 'x', argv0Basename: 'y' })).toBe('kthreadd');
  });

  it('keeps a comm that starts the exe name though argv was rewritten (setproctitle)', () => {
    expect(nameProcess({ ...user, comm: 'python3', exeBasename: 'python3.11', argv0Basename: 'celery worker' })).toBe('python3');
  });

  it('uses exe, then argv[0], for an empty comm, and is empty only when nothing is known', () => {
    expect(nameProcess({ ...user, comm: '', exeBasename: 'app', argv0Basename: 'x' })).toBe('app');
    expect(nameProcess({ ...user, comm: '' })).toBe('');
  });

  it('keeps comm for a zombie, which has neither exe nor cmdline', () => {
    expect(nameProcess({ ...user, comm: 'defunct-child' })).toBe('defunct-child');
  });
});
