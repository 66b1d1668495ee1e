import {
  ProcParseError,
  parseArgv0Basename,
  parseBootTime,
  parseCmdline,
  parseExeBasename,
  parseIo,
  parseMemTotal,
  parsePasswd,
  parseStat,
  parseStatus,
} from './procfs.parsers';

// Captured from a Linux 6.x x86_64 machine; the second has a comm with ") " inside.
const STAT_NGINX =
  '4242 (nginx) S 4241 4241 4241 0 -1 4194624 1290 0 3 0 1234 567 0 0 20 0 3 0 98765 57344000 1500 ' +
  '18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';
const STAT_TRICKY = '77 (evil) S 1 (x)) R 1 77 77 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 500 1000 2 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0\n';
const STAT_KTHREAD =
  '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 20 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0';

const STATUS = [
  'Name:\tnginx',
  'State:\tS (sleeping)',
  'PPid:\t4241',
  'Uid:\t0\t33\t33\t33',
  'Gid:\t0\t33\t33\t33',
  'VmSize:\t   56000 kB',
  'VmRSS:\t    6000 kB',
  'Threads:\t3',
  '',
].join('\n');

describe('parseStat', () => {
  it('reads the fields of proc(5) by number', () => {
    expect(parseStat(STAT_NGINX)).toEqual({
      pid: 4242,
      comm: 'nginx',
      state: 'S',
      ppid: 4241,
      isKernelThread: false,
      utimeTicks: 1234,
      stimeTicks: 567,
      threads: 3,
      startTicks: 98765,
      vsizeBytes: 57344000,
    });
  });

  it('takes comm up to the last parenthesis, so ") " inside a name does not shift fields', () => {
    expect(parseStat(STAT_TRICKY)).toMatchObject({ pid: 77, comm: 'evil) S 1 (x)', state: 'R', ppid: 1, threads: 1 });
  });

  it('reads kernel threads (no memory, ppid 0, PF_KTHREAD in the flags)', () => {
    expect(parseStat(STAT_KTHREAD)).toMatchObject({ pid: 2, comm: 'kthreadd', ppid: 0, vsizeBytes: 0, startTicks: 20, isKernelThread: true });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseStat('garbage')).toThrow(ProcParseError);
    expect(() => parseStat('1 (x) S 0 0')).toThrow(/expected at least 24/);
  });
});

describe('parseStatus', () => {
  it('reads the effective uid and VmRSS in bytes', () => {
    expect(parseStatus(STATUS)).toEqual({ uid: 33, rssBytes: 6000 * 1024 });
  });

  it('leaves rss out for kernel threads', () => {
    expect(parseStatus('Name:\tkthreadd\nUid:\t0\t0\t0\t0\n')).toEqual({ uid: 0 });
  });
});

describe('parseIo', () => {
  it('reads storage bytes, not rchar/wchar', () => {
    const text = 'rchar: 6976\nwchar: 100\nsyscr: 10\nsyscw: 1\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';
    expect(parseIo(text)).toEqual({ readBytes: 4096, writeBytes: 8192 });
  });

  it('is undefined without the fields', () => {
    expect(parseIo('rchar: 1\n')).toBeUndefined();
  });
});

describe('parseArgv0Basename', () => {
  it('takes the base name of the first NUL-separated argument', () => {
    expect(parseArgv0Basename(Buffer.from('/usr/bin/node\0/srv/app/main.js\0'))).toBe('node');
    expect(parseArgv0Basename(Buffer.from('-bash\0'))).toBe('-bash');
  });

  it('keeps a rewritten argv that has no NUL as one argument (postgres, nginx titles)', () => {
    expect(parseArgv0Basename(Buffer.from('postgres: 16/main: checkpointer '))).toBe('main: checkpointer ');
    expect(parseArgv0Basename(Buffer.from('nginx: worker process'))).toBe('nginx: worker process');
  });

  it('is undefined for an empty argv[0]', () => {
    expect(parseArgv0Basename(Buffer.alloc(0))).toBeUndefined();
    expect(parseArgv0Basename(Buffer.from('\0x\0'))).toBeUndefined();
  });
});

describe('parseExeBasename', () => {
  it('takes the base name of the link target', () => {
    expect(parseExeBasename('/usr/lib/systemd/systemd-journald')).toBe('systemd-journald');
  });

  it('drops the " (deleted)" of an executable unlinked since (an upgrade under a running daemon)', () => {
    expect(parseExeBasename('/usr/sbin/nginx (deleted)')).toBe('nginx');
    expect(parseExeBasename('/memfd:runner (deleted)')).toBe('memfd:runner');
  });
});

describe('parseCmdline', () => {
  it('turns NUL separators into spaces and drops the trailing one', () => {
    expect(parseCmdline(Buffer.from('/usr/sbin/nginx\0-g\0daemon off;\0'), 32768)).toBe('/usr/sbin/nginx -g daemon off;');
  });

  it('is empty for kernel threads', () => {
    expect(parseCmdline(Buffer.alloc(0), 32768)).toBe('');
  });

  it('caps the length without leaving a NUL', () => {
    const raw = Buffer.from(`${'a'.repeat(40_000)}\0b\0`);
    const cmdline = parseCmdline(raw, 32768);
    expect(cmdline.length).toBe(32768);
    expect(cmdline).not.toContain('\0');
  });

  it('never yields more UTF-16 units than bytes when a multi-byte character is cut', () => {
    const raw = Buffer.from('é'.repeat(20_000));
    expect(parseCmdline(raw, 32767).length).toBeLessThanOrEqual(32767);
  });
});

describe('parseMemTotal / parseBootTime / parsePasswd', () => {
  it('reads MemTotal in bytes', () => {
    expect(parseMemTotal('MemTotal:       24683620 kB\nMemFree:        23223464 kB\n')).toBe(24683620 * 1024);
  });

  it('reads btime', () => {
    expect(parseBootTime('cpu  1 2 3\nintr 5\nbtime 1795929604\nprocesses 9\n')).toBe(1795929604);
    expect(() => parseBootTime('cpu 1\n')).toThrow(ProcParseError);
  });

  it('maps uids to names, first entry wins, comments and junk ignored', () => {
    const text = '# comment\nroot:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\ntoor:x:0:0::/:/bin/sh\nbroken\n';
    expect(parsePasswd(text)).toEqual(
      new Map([
        [0, 'root'],
        [33, 'www-data'],
      ]),
    );
  });
});
