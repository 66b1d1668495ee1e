import { Prng } from './prng';

/** What a simulated machine is for; it decides which processes fill it. */
export type MachineRole = 'db' | 'web' | 'app' | 'worker' | 'desktop';

/** One kind of process, as `ps` would show it on a typical Linux server. */
export interface ProcessTemplate {
  /** comm; a function for names that vary per instance (kworker/3:1-events) */
  name: string | ((r: Prng, cores: number) => string);
  user: string;
  /** absent for kernel threads, which have no command line */
  cmdline?: (r: Prng) => string;
  /** the CPU % (100 = one core) its random walk returns to */
  cpuMean: number;
  /** most CPU % it can use: 100 for a single-threaded process; the machine's cores cap it further */
  cpuMax: number;
  /** resident size range, MiB */
  rssMiB: readonly [number, number];
  threads: readonly [number, number];
  /** chance per tick that it exits and a new instance (new pid) takes its place */
  churn: number;
  /** CATALOG key of its parent (ppid); default systemd, or kthreadd for kernel threads. A plain
   * string because a TemplateKey here would make CATALOG's type refer to itself. */
  parent?: string;
  isKernelThread?: boolean;
  /** relative RSS growth per tick on top of the noise: leaky heaps, browser tabs */
  rssDrift?: number;
}

const ip = (r: Prng) => `10.${r.int(0, 3)}.${r.int(0, 255)}.${r.int(1, 254)}`;
const kernel = (cpuMean: number, churn = 0): Omit<ProcessTemplate, 'name'> => ({
  user: 'root',
  cpuMean,
  cpuMax: 100,
  rssMiB: [0, 0],
  threads: [1, 1],
  churn,
  isKernelThread: true,
});
const daemon = (user: string, cmdline: string, cpuMean: number, rssMiB: readonly [number, number], threads = 1) => ({
  user,
  cmdline: () => cmdline,
  cpuMean,
  cpuMax: 100 * threads,
  rssMiB,
  threads: [threads, threads] as const,
  churn: 0,
});

export const CATALOG = {
  systemd: { name: 'systemd', ...daemon('root', '/sbin/init splash', 0.1, [8, 14]) },
  kthreadd: { name: 'kthreadd', ...kernel(0) },
  rcuSched: { name: 'rcu_sched', ...kernel(0.3) },
  ksoftirqd: { name: 'ksoftirqd/0', ...kernel(0.2) },
  migration: { name: 'migration/0', ...kernel(0.05) },
  kworker: { name: (r: Prng, cores: number) => `kworker/${r.int(0, cores - 1)}:${r.int(0, 3)}-events`, ...kernel(0.4, 0.004) },
  // Names follow procfs/process-name.ts: a comm cut at 15 bytes is extended (systemd-journald).
  journald: { name: 'systemd-journald', ...daemon('root', '/lib/systemd/systemd-journald', 0.3, [30, 180]) },
  udevd: { name: 'systemd-udevd', ...daemon('root', '/lib/systemd/systemd-udevd', 0.02, [6, 12]) },
  logind: { name: 'systemd-logind', ...daemon('root', '/lib/systemd/systemd-logind', 0.02, [6, 10]) },
  dbus: {
    name: 'dbus-daemon',
    ...daemon('messagebus', '/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile', 0.05, [4, 8]),
  },
  rsyslogd: { name: 'rsyslogd', ...daemon('syslog', '/usr/sbin/rsyslogd -n -iNONE', 0.2, [4, 20], 4) },
  cron: { name: 'cron', ...daemon('root', '/usr/sbin/cron -f -P', 0.01, [2, 4]) },
  sshd: { name: 'sshd', ...daemon('root', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', 0.02, [6, 10]) },
  sshdSession: {
    name: 'sshd',
    user: 'root',
    cmdline: (r: Prng) => `sshd: ${r.pick(['deploy', 'alice', 'bob', 'ops'])} [priv]`,
    cpuMean: 0.1,
    cpuMax: 100,
    rssMiB: [8, 12],
    threads: [1, 1],
    churn: 0.01,
    parent: 'sshd',
  },
  agetty: { name: 'agetty', ...daemon('root', '/sbin/agetty -o -p -- \\u --noclear tty1 linux', 0, [1, 2]) },
  nodeExporter: { name: 'node_exporter', ...daemon('prometheus', '/usr/bin/prometheus-node-exporter', 0.6, [18, 40], 8) },
  postmaster: {
    name: 'postgres',
    ...daemon('postgres', '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main', 0.3, [180, 260]),
  },
  pgCheckpointer: { name: 'postgres', ...daemon('postgres', 'postgres: 16/main: checkpointer', 0.6, [40, 600]), parent: 'postmaster' },
  pgWalWriter: { name: 'postgres', ...daemon('postgres', 'postgres: 16/main: walwriter', 1.2, [8, 30]), parent: 'postmaster' },
  pgAutovacuum: { name: 'postgres', ...daemon('postgres', 'postgres: 16/main: autovacuum launcher', 0.1, [8, 20]), parent: 'postmaster' },
  pgBackend: {
    name: 'postgres',
    user: 'postgres',
    cmdline: (r: Prng) =>
      `postgres: 16/main: app orders ${ip(r)}(${r.int(30000, 60999)}) ${r.pick(['idle', 'idle', 'SELECT', 'idle in transaction'])}`,
    cpuMean: 4,
    cpuMax: 100,
    rssMiB: [20, 400],
    threads: [1, 1],
    churn: 0.01,
    parent: 'postmaster',
  },
  pgbouncer: { name: 'pgbouncer', ...daemon('postgres', '/usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini', 2, [6, 20]) },
  nginxMaster: { name: 'nginx', ...daemon('root', 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;', 0, [2, 4]) },
  nginxWorker: { name: 'nginx', ...daemon('www-data', 'nginx: worker process', 3, [8, 40]), parent: 'nginxMaster', churn: 0.0005 },
  nodeApp: {
    name: 'node',
    user: 'app',
    // Planted demo secrets (here and below) show scrubbing at work: the dashboard shows `--api-key ********`.
    cmdline: (r: Prng) => `node /srv/${r.pick(['shop', 'api', 'checkout', 'search'])}/dist/main.js --port ${r.int(3000, 3999)} --api-key demo-sk-4f9a2c`,
    cpuMean: 12,
    cpuMax: 100,
    rssMiB: [90, 900],
    threads: [7, 11],
    churn: 0.001,
    rssDrift: 0.0004,
  },
  redis: { name: 'redis-server', ...daemon('redis', '/usr/bin/redis-server 127.0.0.1:6379', 2, [40, 2000], 5) },
  containerd: { name: 'containerd', ...daemon('root', '/usr/bin/containerd', 1, [40, 90], 14) },
  dockerd: {
    name: 'dockerd',
    ...daemon('root', '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock', 0.5, [60, 140], 18),
  },
  containerdShim: {
    name: 'containerd-shim-runc-v2',
    user: 'root',
    cmdline: (r: Prng) =>
      `/usr/bin/containerd-shim-runc-v2 -namespace moby -id ${r.uuid().replace(/-/g, '')} -address /run/containerd/containerd.sock`,
    cpuMean: 0.05,
    cpuMax: 100,
    rssMiB: [8, 14],
    threads: [10, 12],
    churn: 0.002,
    parent: 'containerd',
  },
  javaApp: {
    name: 'java',
    user: 'app',
    cmdline: (r: Prng) =>
      `/usr/lib/jvm/java-21-openjdk-amd64/bin/java -Xms2g -Xmx${r.pick([4, 6, 8])}g -XX:+UseG1GC ` +
      `-Djavax.net.ssl.keyStorePassword=demo-changeit -jar /opt/${r.pick(['billing', 'ledger', 'orders'])}/app.jar`,
    cpuMean: 35,
    cpuMax: 1600,
    rssMiB: [900, 7000],
    threads: [60, 180],
    churn: 0.0005,
    rssDrift: 0.0008,
  },
  pythonWorker: {
    name: 'python3',
    user: 'app',
    cmdline: (r: Prng) =>
      `/srv/jobs/.venv/bin/python3 -m celery -A jobs worker -Q ${r.pick(['default', 'reports', 'email', 'ingest'])} --concurrency=1 ` +
      '-b redis://:demo-redis-pw@10.0.0.5:6379/0',
    cpuMean: 22,
    cpuMax: 100,
    rssMiB: [60, 500],
    threads: [2, 6],
    churn: 0.008,
    rssDrift: 0.0003,
  },
  bashJob: {
    name: 'bash',
    user: 'deploy',
    cmdline: (r: Prng) =>
      `/bin/bash /opt/scripts/${r.pick(['backup.sh --db-password=demo-backup-pw', 'rotate-logs.sh', 'sync-assets.sh', 'healthcheck.sh'])}`,
    cpuMean: 1,
    cpuMax: 100,
    rssMiB: [3, 6],
    threads: [1, 1],
    churn: 0.05,
  },
  xorg: { name: 'Xorg', ...daemon('root', '/usr/lib/xorg/Xorg vt2 -displayfd 3 -auth /run/user/1000/gdm/Xauthority', 4, [80, 300], 3) },
  gnomeShell: { name: 'gnome-shell', ...daemon('alice', '/usr/bin/gnome-shell', 6, [250, 600], 20) },
  pipewire: { name: 'pipewire', ...daemon('alice', '/usr/bin/pipewire', 0.5, [10, 30], 3) },
  chromeMain: { name: 'chrome', ...daemon('alice', '/opt/google/chrome/chrome', 8, [200, 600], 40) },
  chromeRenderer: {
    name: 'chrome',
    user: 'alice',
    cmdline: (r: Prng) => `/opt/google/chrome/chrome --type=renderer --renderer-client-id=${r.int(5, 400)} --lang=en-US`,
    cpuMean: 3,
    cpuMax: 200,
    rssMiB: [60, 700],
    threads: [14, 24],
    churn: 0.006,
    parent: 'chromeMain',
    rssDrift: 0.0006,
  },
  vscode: { name: 'code', ...daemon('alice', '/usr/share/code/code --unity-launch', 3, [150, 500], 30) },
} satisfies Record<string, ProcessTemplate>;

export type TemplateKey = keyof typeof CATALOG;

/** Every machine runs these, in this order (systemd is pid 1, kthreadd pid 2). */
export const BASE_PROCESSES: readonly TemplateKey[] = [
  'systemd', 'kthreadd', 'rcuSched', 'ksoftirqd', 'migration', 'journald', 'udevd', 'logind',
  'dbus', 'rsyslogd', 'cron', 'sshd', 'agetty', 'nodeExporter',
];

/** Per role: the long-running services, then what fills the machine up to --processes, by weight. */
export interface RoleLayout {
  services: readonly TemplateKey[];
  fillers: readonly (readonly [TemplateKey, number])[];
}

export const ROLE_LAYOUTS: Record<MachineRole, RoleLayout> = {
  db: {
    services: ['postmaster', 'pgCheckpointer', 'pgWalWriter', 'pgAutovacuum', 'pgbouncer'],
    fillers: [['pgBackend', 6], ['kworker', 3], ['sshdSession', 0.5], ['bashJob', 0.5]],
  },
  web: {
    services: ['nginxMaster', 'redis', 'nodeApp'],
    fillers: [['nginxWorker', 2], ['nodeApp', 2], ['kworker', 3], ['bashJob', 0.5]],
  },
  app: {
    services: ['containerd', 'dockerd', 'javaApp'],
    fillers: [['javaApp', 0.5], ['containerdShim', 2], ['pythonWorker', 1.5], ['kworker', 3], ['sshdSession', 0.3]],
  },
  worker: {
    services: ['redis'],
    fillers: [['pythonWorker', 5], ['kworker', 3], ['bashJob', 1]],
  },
  desktop: {
    services: ['xorg', 'gnomeShell', 'pipewire', 'chromeMain', 'vscode'],
    fillers: [['chromeRenderer', 5], ['kworker', 3], ['bashJob', 0.5]],
  },
};

export const ROLE_WEIGHTS: readonly (readonly [MachineRole, number])[] = [
  ['db', 15],
  ['web', 30],
  ['app', 25],
  ['worker', 20],
  ['desktop', 10],
];
